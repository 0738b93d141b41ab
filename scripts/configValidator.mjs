// pipeline-lens.json's validator compiled at build time (Ajv's standalone code), so that no
// process compiles the schema when it starts: src/core/config/configValidator.ts is replaced
// by this module in every bundle.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** As VALIDATOR_OPTIONS in src/core/config/configValidator.ts. */
const OPTIONS = { allErrors: true, strict: false };

/** CommonJS source exporting `configValidator()`, which returns the precompiled validator. */
export function configValidatorSource() {
  const Ajv = require('ajv').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/pipeline-lens.schema.json'), 'utf8'));
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  return `${code}\nconst precompiled = module.exports;\nmodule.exports = { configValidator: () => precompiled };\n`;
}

/** The esbuild plugin that puts the precompiled validator in place of the module that compiles it. */
export function precompiledConfigValidator() {
  return {
    name: 'precompiled-config-validator',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]core[\\/]config[\\/]configValidator\.ts$/ }, () => ({
        contents: configValidatorSource(),
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}
