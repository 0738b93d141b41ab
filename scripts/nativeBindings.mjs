// DuckDB's native binding for a packaged extension. A VSIX carries no node_modules, so the
// platform's binding (duckdb.node and the libduckdb it loads through $ORIGIN) is copied
// beside the bundle and the bundle requires it from there.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** esbuild plugin: `@duckdb/node-bindings` becomes `require('./duckdb.node')`, next to the bundle. */
export function duckdbBindingBesideBundle() {
  return {
    name: 'duckdb-binding-beside-bundle',
    setup(build) {
      build.onResolve({ filter: /^@duckdb\/node-bindings$/ }, () => ({ path: 'duckdb-binding', namespace: 'duckdb-binding' }));
      build.onLoad({ filter: /.*/, namespace: 'duckdb-binding' }, () => ({ contents: "module.exports = require('./duckdb.node');", loader: 'js' }));
      build.onResolve({ filter: /^\.\/duckdb\.node$/ }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** The npm package holding this machine's DuckDB binding, e.g. `@duckdb/node-bindings-linux-x64`. */
export function duckdbBindingPackage() {
  const musl = process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  return `@duckdb/node-bindings-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
}

/** The VS Code target platform the copied binding is built for (`vsce package --target`). */
export function vscodeTarget() {
  const name = duckdbBindingPackage().replace('@duckdb/node-bindings-', '');
  return name.endsWith('-musl') ? `alpine-${process.arch}` : name;
}

/** Copies the binding's files (not its package.json or README) into `outdir`. */
export function copyDuckdbBinding(outdir) {
  const bindings = dirname(require.resolve('@duckdb/node-bindings/package.json'));
  const name = duckdbBindingPackage();
  const dir = dirname(require.resolve(`${name}/package.json`, { paths: [bindings] }));
  mkdirSync(outdir, { recursive: true });
  const copied = [];
  for (const file of readdirSync(dir)) {
    if (file === 'package.json' || file === 'README.md') continue;
    const target = file === 'LICENSE' ? 'LICENSE.duckdb' : file;
    copyFileSync(join(dir, file), join(outdir, target));
    copied.push(target);
  }
  return { package: name, files: copied };
}
