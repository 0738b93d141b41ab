import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

/*
 * Activation must stay cheap: VS Code waits for it before it shows anything of ours. What
 * activation loads is the bundle of src/extension/main.ts; the language client, the
 * protocol's message types and everything that talks to the server are a second bundle
 * (src/extension/startExtension.ts) loaded once activate has returned. Built here as
 * scripts/build.mjs builds them, and their inputs read from esbuild's metafile.
 */
const ROOT = join(__dirname, '../../..');

async function inputsOf(entry: string): Promise<{ inputs: string[]; bytes: number }> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: join(ROOT, 'dist'),
    external: ['vscode'],
  });
  const metafile = result.metafile;
  return {
    inputs: Object.keys(metafile.inputs).map((p) => relative(ROOT, join(ROOT, p)).split(sep).join('/')),
    bytes: result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0),
  };
}

const HEAVY = [
  /node_modules\/vscode-languageclient\//,
  /node_modules\/vscode-languageserver-protocol\//,
  /node_modules\/vscode-jsonrpc\//,
  /^src\/shared\/protocol\.ts$/,
  /^src\/core\//,
];

describe('the activation bundle', () => {
  it('loads neither the language client, nor the protocol’s message types, nor the engine', async () => {
    const { inputs } = await inputsOf('src/extension/main.ts');
    const heavy = inputs.filter((p) => HEAVY.some((pattern) => pattern.test(p)));
    assert.deepEqual(heavy, [], `activation would load: ${heavy.slice(0, 5).join(', ')}`);
    assert.ok(!inputs.includes('src/extension/startExtension.ts'), 'the second bundle is inlined into the first');
  });

  it('stays small: under 20 KB minified', async () => {
    const { bytes } = await inputsOf('src/extension/main.ts');
    assert.ok(bytes < 20 * 1024, `the activation bundle is ${(bytes / 1024).toFixed(0)} KB`);
  });

  it('leaves the language client to the second bundle, which has it', async () => {
    const { inputs } = await inputsOf('src/extension/startExtension.ts');
    assert.ok(
      inputs.some((p) => p.includes('node_modules/vscode-languageclient/')),
      'startExtension bundles the language client',
    );
    assert.ok(inputs.includes('src/shared/protocol.ts'));
  });
});

/*
 * The client is thin: what depends on the engine's data or rules (the investigation report
 * and its chart, the handoff note, verdict texts, the SQL guard and tokenizer, the parameter
 * rule) is rendered or decided by the server, which answers with finished text. What the
 * views format themselves (figures, SHAs, ages) is all of the engine the client may carry.
 */
const CLIENT_FORMATTING = new Set([
  'src/core/report/format.ts',
  'src/core/report/shortLabel.ts',
  'src/core/report/age.ts',
  'src/core/report/bytes.ts',
  'src/core/report/markdown.ts',
  'src/core/metrics/compareProportions.ts',
  'src/core/metrics/wilson.ts',
]);

describe('the language client bundle', () => {
  it('carries none of the engine but the views’ formatting: reports, charts, the SQL guard and tokenizer are the server’s', async () => {
    const { inputs } = await inputsOf('src/extension/startExtension.ts');
    const engine = inputs.filter((p) => p.startsWith('src/core/') && !CLIENT_FORMATTING.has(p));
    assert.deepEqual(engine, [], `the client would bundle: ${engine.join(', ')}`);
  });
});
