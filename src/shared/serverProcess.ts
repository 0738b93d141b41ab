/**
 * Node options the language server runs with, wherever it is started (the extension, the
 * benchmarks). V8's young generation grows to 16 MB per semi-space by default; the server
 * allocates in short bursts (a document's lenses, a query's rows), so on a 205,000-commit
 * history that space held about 25 MB of its resident memory for little gain in speed.
 */
export const SERVER_EXEC_ARGV = ['--max-semi-space-size=2'];

/**
 * Environment added to the server's, for glibc's allocator (other C libraries ignore it).
 * Walking a large history frees many buffers of up to a few MB (git's output, the graph's
 * arrays as they grow): with glibc's defaults they went back to a heap that does not shrink,
 * and DuckDB's and libuv's threads each kept an arena of their own. On the 205,000-commit
 * history that was about 40 MB of the server's resident memory after the first document's
 * lenses. With these settings blocks of 512 KB and more are unmapped when freed, freed space
 * at the heap's top is given back, and threads share two arenas. The threshold sits above
 * DuckDB's 256 KB blocks, which stay in the arenas to be reused: at 128 KB every block was a
 * fresh mapping, and a session reading its graph from storage, which waits on the query,
 * answered more slowly.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '524288',
  MALLOC_TRIM_THRESHOLD_: '131072',
};
