// Bundles each entry point that exists into dist/. Native modules (DuckDB's binding) stay
// external: esbuild cannot inline a .node file, and libduckdb.so must sit beside it.
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompiledConfigValidator } from './configValidator.mjs';
import { copyDuckdbBinding, duckdbBindingBesideBundle } from './nativeBindings.mjs';

// Google's client libraries: a bundle of their own (below).
const GOOGLE_CLOUD_BUNDLE = 'googleCloud';

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', platform: 'node' },
  { in: 'src/server/main.ts', out: 'server', platform: 'node', google: true },
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
const nodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  legalComments: 'none',
  // V8 keeps a script's source one byte a character only when every character is ASCII;
  // one `±` in a bundled library's comment doubles the server's largest string (3.6 MB).
  charset: 'ascii',
  logLevel: 'warning',
};
for (const entry of entries.filter((e) => existsSync(e.in))) {
  await build({
    ...nodeBundle,
    entryPoints: { [entry.out]: entry.in },
    outdir,
    platform: entry.platform,
    external: [...(packaging ? [] : ['@duckdb/node-bindings*']), ...(entry.external ?? [])],
    plugins: [precompiledConfigValidator(), ...(entry.google ? [googleCloudApart()] : []), ...(packaging ? [duckdbBindingBesideBundle()] : [])],
  });
  asciiComments(join(outdir, `${entry.out}.js`));
}

// Google's client libraries are a bundle of their own for the language server, required the
// first time a BigQuery warehouse or Cloud Run's API is used (the modules importing them are
// required only then: see openWarehouse and openDeploymentSource). A server that never talks
// to Google does not hold their 1 MB of source. The CLI keeps them inside: a backfill job's
// image may hold dist/cli.js alone.
await build({
  stdin: {
    contents: "export { BigQuery } from '@google-cloud/bigquery';\nexport { GoogleAuth, PassThroughClient } from 'google-auth-library';\n",
    resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    sourcefile: 'googleCloud.ts',
    loader: 'ts',
  },
  ...nodeBundle,
  outfile: join(outdir, `${GOOGLE_CLOUD_BUNDLE}.js`),
});
asciiComments(join(outdir, `${GOOGLE_CLOUD_BUNDLE}.js`));

function googleCloudApart() {
  return {
    name: 'google-cloud-apart',
    setup(b) {
      b.onResolve({ filter: /^(@google-cloud\/bigquery|google-auth-library)$/ }, () => ({ path: `./${GOOGLE_CLOUD_BUNDLE}.js`, external: true }));
    },
  };
}
if (packaging && !process.argv.includes('--no-binding')) copyDuckdbBinding(outdir);

/**
 * `charset: 'ascii'` escapes strings, regular expressions and names, but the comments an
 * unminified bundle keeps are copied as written. Each non-ASCII UTF-16 unit left is in a
 * comment: replaced by `?`, one unit for one, so the source map's columns still hold.
 */
function asciiComments(file) {
  const source = readFileSync(file, 'utf8');
  if (/^[\x00-\x7f]*$/.test(source)) return;
  writeFileSync(file, source.replace(/[^\x00-\x7f]/g, '?'));
}

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
