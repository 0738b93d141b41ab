/**
 * Node options the language server runs with, wherever it is started (the extension, the
 * benchmarks). V8's young generation grows to 16 MB per semi-space by default; the server
 * allocates in short bursts (a document's lenses, a query's rows), so on a 205,000-commit
 * history that space held about 25 MB of its resident memory for little gain in speed.
 */
export const SERVER_EXEC_ARGV = ['--max-semi-space-size=2'];
