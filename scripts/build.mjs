// Bundles each entry point that exists into dist/. Native modules (DuckDB's binding) stay
// external: esbuild cannot inline a .node file, and libduckdb.so must sit beside it.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', platform: 'node' },
  { in: 'src/server/main.ts', out: 'server', platform: 'node' },
  { in: 'src/extension/main.ts', out: 'extension', platform: 'node', external: ['vscode'] },
];

const production = process.argv.includes('--production');
for (const entry of entries.filter((e) => existsSync(e.in))) {
  await build({
    entryPoints: { [entry.out]: entry.in },
    outdir: 'dist',
    bundle: true,
    platform: entry.platform,
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    legalComments: 'none',
    logLevel: 'warning',
    external: ['@duckdb/node-bindings*', ...(entry.external ?? [])],
  });
}
