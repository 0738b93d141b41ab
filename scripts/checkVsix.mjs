// Checks that a VSIX can run where it says it runs: its manifest's target platform, and
// DuckDB's binding beside the bundles (duckdb.node and the library it loads) built for that
// platform, read from the binaries' own headers.
//
//   node scripts/checkVsix.mjs <file.vsix>...
import { pathToFileURL } from 'node:url';
import { expectedFileType, fileTypeMismatch } from './nativeFileType.mjs';
import { zipEntries } from './zipArchive.mjs';

const LIBRARIES = ['libduckdb.so', 'libduckdb.dylib', 'duckdb.dll'];

/** The VSIX's target platform (from extension.vsixmanifest), or null when it names none. */
export function vsixTarget(entries) {
  const manifest = entries.get('extension.vsixmanifest')?.().toString('utf8') ?? '';
  return /TargetPlatform="([^"]+)"/.exec(manifest)?.[1] ?? null;
}

/** What is wrong with the VSIX for `target` (its own manifest's when omitted); empty when nothing is. */
export function checkVsix(file, target) {
  const entries = zipEntries(file);
  const declared = vsixTarget(entries);
  target ??= declared;
  if (!target) return [`${file} declares no target platform; a VSIX with a native binding needs one (vsce package --target)`];
  const problems = [];
  if (declared !== target) problems.push(`its manifest says TargetPlatform ${declared ?? 'none'}, not ${target}`);
  const { library } = expectedFileType(target);
  for (const name of ['duckdb.node', library]) {
    const entry = entries.get(`extension/dist/${name}`);
    if (!entry) {
      problems.push(`dist/${name} is missing`);
      continue;
    }
    const mismatch = fileTypeMismatch(entry(), target);
    if (mismatch) problems.push(`dist/${name} is ${mismatch}`);
  }
  for (const other of LIBRARIES.filter((l) => l !== library)) {
    if (entries.has(`extension/dist/${other}`)) problems.push(`dist/${other} belongs to another platform`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let failed = false;
  for (const file of process.argv.slice(2)) {
    const problems = checkVsix(file);
    failed ||= problems.length > 0;
    console.log(problems.length ? `✖ ${file}:\n  ${problems.join('\n  ')}` : `✔ ${file}`);
  }
  process.exit(failed ? 1 : 0);
}
