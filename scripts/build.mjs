// Bundles each entry point that exists into dist/. Native modules (DuckDB's binding) stay
// external: esbuild cannot inline a .node file, and libduckdb.so must sit beside it.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { precompiledConfigValidator } from './configValidator.mjs';
import { copyDuckdbBinding, duckdbBindingBesideBundle } from './nativeBindings.mjs';

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', platform: 'node' },
  { in: 'src/server/main.ts', out: 'server', platform: 'node' },
  // The extension is two bundles: what activation loads (commands, nothing heavy), and the
  // language client with everything that talks to the server, required once activate returned.
  { in: 'src/extension/main.ts', out: 'extension', platform: 'node', external: ['vscode'] },
  { in: 'src/extension/startExtension.ts', out: 'startExtension', platform: 'node', external: ['vscode'] },
];

const production = process.argv.includes('--production');
// Packaging (scripts/package.mjs): a VSIX has no node_modules, so DuckDB's binding is
// copied beside the bundles and required from there; `--outdir=<dir>` builds elsewhere;
// `--no-binding` leaves the copy to the caller (another platform's binding).
const packaging = process.argv.includes('--package');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
for (const entry of entries.filter((e) => existsSync(e.in))) {
  await build({
    entryPoints: { [entry.out]: entry.in },
    outdir,
    bundle: true,
    platform: entry.platform,
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    legalComments: 'none',
    logLevel: 'warning',
    external: [...(packaging ? [] : ['@duckdb/node-bindings*']), ...(entry.external ?? [])],
    plugins: [precompiledConfigValidator(), ...(packaging ? [duckdbBindingBesideBundle()] : [])],
  });
}
if (packaging && !process.argv.includes('--no-binding')) copyDuckdbBinding(outdir);

// Webview scripts run in a webview's browser sandbox, not in Node: one browser bundle per
// panel (chart.js inside the timeline's), loaded from dist/webviews/ under the panel's CSP.
const webviews = [
  { in: 'src/extension/webviews/app/timelineApp.ts', out: 'timeline' },
  { in: 'src/extension/webviews/app/queryResultsApp.ts', out: 'queryResults' },
];
for (const entry of webviews.filter((e) => existsSync(e.in))) {
  await build({
    entryPoints: { [entry.out]: entry.in },
    outdir: join(outdir, 'webviews'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
