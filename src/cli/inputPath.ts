import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * A file named on the command line: relative to where the user stands, or else to `--cwd`,
 * so both `--cwd .demo query .demo/sql/a.sql` and `--cwd .demo query sql/a.sql` read the
 * same file. `tried` lists every place looked at, for the message when none holds it.
 */
export function inputPath(name: string, here: string, cwd: string | undefined): { path: string } | { tried: string[] } {
  if (isAbsolute(name)) return existsSync(name) ? { path: name } : { tried: [name] };
  const candidates = [...new Set([resolve(here, name), ...(cwd === undefined ? [] : [resolve(here, cwd, name)])])];
  const found = candidates.find((candidate) => existsSync(candidate));
  return found ? { path: found } : { tried: candidates };
}
