import { build } from 'esbuild';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pending, type Figure } from '../figures';

const GROUP = 'Extension';
const BUNDLES = [
  { id: 'bundle.client', file: 'extension.js', title: 'activation bundle (dist/extension.js)' },
  { id: 'bundle.languageClient', file: 'startExtension.js', title: 'language client bundle (dist/startExtension.js)' },
  { id: 'bundle.server', file: 'server.js', title: 'server bundle (dist/server.js)' },
  { id: 'bundle.googleCloud', file: 'googleCloud.js', title: "Google's client libraries, loaded by the server only for BigQuery or Cloud Run (dist/googleCloud.js)" },
  { id: 'bundle.cli', file: 'cli.js', title: 'CLI bundle (dist/cli.js)' },
] as const;

/**
 * Sizes of the bundles `npm run build` wrote (the DuckDB binding stays outside them). For
 * information: the client's goal is checked on its minified build (minifiedClientFigure).
 */
export async function bundleFigures(root: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const bundle of BUNDLES) {
    const size = await stat(join(root, 'dist', bundle.file))
      .then((s) => s.size)
      .catch(() => null);
    if (size === null) {
      figures.push(pending(bundle.id, GROUP, bundle.title, '', `not built yet (no dist/${bundle.file})`));
      continue;
    }
    const kb = size / 1024;
    figures.push({
      id: bundle.id,
      group: GROUP,
      title: bundle.title,
      product: { value: kb, unit: 'KB', label: `dist/${bundle.file}` },
      baseline: null,
      ratio: null,
      goal: '',
      status: 'info',
      notes: ['development build (not minified), as `npm run build` writes it'],
    });
  }
  return figures;
}

/**
 * The client as a packaged extension ships it: the same esbuild options as
 * `scripts/build.mjs --production` (minified), built in memory so dist/ is left alone. Two
 * bundles: what activation loads, and the language client loaded after it; the goal holds
 * for both together, everything the extension host loads of ours.
 */
export async function minifiedClientFigure(root: string): Promise<Figure> {
  const id = 'bundle.client.minified';
  const title = 'client bundles, minified (as packaged)';
  const goal = '≤ 500 KB';
  const entries = { activation: join(root, 'src', 'extension', 'main.ts'), languageClient: join(root, 'src', 'extension', 'startExtension.ts') };
  for (const entry of Object.values(entries))
    if (
      !(await stat(entry).then(
        () => true,
        () => false,
      ))
    )
      return pending(id, GROUP, title, goal, `not built yet (no ${entry.slice(root.length + 1)})`);
  const size = async (entry: string) => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      write: false,
      outdir: join(root, 'dist'),
      external: ['@duckdb/node-bindings*', 'vscode'],
    });
    return result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0) / 1024;
  };
  const activation = await size(entries.activation);
  const languageClient = await size(entries.languageClient);
  const kb = activation + languageClient;
  return {
    id,
    group: GROUP,
    title,
    product: { value: kb, unit: 'KB', label: 'esbuild --minify of src/extension/main.ts + src/extension/startExtension.ts' },
    baseline: null,
    ratio: null,
    goal,
    status: kb <= 500 ? 'met' : 'missed',
    notes: [
      `activation bundle ${activation.toFixed(1)} KB (loaded before activate returns), language client bundle ${languageClient.toFixed(0)} KB (loaded after)`,
      'built in memory with the production options of scripts/build.mjs; dist/ is not touched',
    ],
  };
}
