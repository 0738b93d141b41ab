import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Generated inputs (a 50,000-commit repository, millions of Parquet rows) take longer to
 * build than to measure, so they are kept between runs. They live in the OS temp folder,
 * not in the project: nothing to ignore in git, and the OS cleans them up eventually.
 * Bump CACHE_VERSION when a generator changes what it writes.
 */
const CACHE_VERSION = 1;

export async function cacheDir(name: string): Promise<string> {
  const dir = join(process.env.PIPELINE_LENS_BENCH_CACHE ?? join(tmpdir(), 'pipeline-lens-bench'), `v${CACHE_VERSION}`, name);
  await mkdir(dir, { recursive: true });
  return dir;
}
