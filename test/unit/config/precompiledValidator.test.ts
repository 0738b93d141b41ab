import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runInThisContext } from 'node:vm';
import type { ValidateFunction } from 'ajv';
import { configValidator } from '../../../src/core/config/configValidator';

const REPO = resolve(__dirname, '../../..');

/** The validator the bundles carry, built as scripts/build.mjs builds it, loaded as a bundle would run it. */
async function precompiled(): Promise<ValidateFunction> {
  const { configValidatorSource } = (await import(join(REPO, 'scripts/configValidator.mjs'))) as { configValidatorSource: () => string };
  const module = { exports: {} as { configValidator?: () => ValidateFunction } };
  const run = runInThisContext(`(function (module, exports, require) {\n${configValidatorSource()}\n})`) as (m: typeof module, e: unknown, r: NodeJS.Require) => void;
  run(module, module.exports, createRequire(join(REPO, 'package.json')));
  return module.exports.configValidator!();
}

const energy = () => JSON.parse(readFileSync(join(REPO, 'test/fixtures/energy/pipeline-lens.json'), 'utf8')) as Record<string, unknown>;

describe('the config validator compiled at build time', () => {
  it('gives the answers of the schema compiled at run time, errors and all', async () => {
    const built = await precompiled();
    const compiled = configValidator();
    const cases: Array<[string, unknown]> = [
      ['a valid config', energy()],
      ['an unknown key', { ...energy(), tabels: 3 }],
      ['a warehouse of an unknown kind', { ...energy(), warehouse: { kind: 'oracle' } }],
      ['services that are not a list', { ...energy(), services: 'all' }],
      ['not an object', 42],
    ];
    for (const [what, raw] of cases) {
      const expected = compiled(raw);
      assert.equal(built(raw), expected, what);
      assert.deepEqual(built.errors ?? null, compiled.errors ?? null, what);
    }
    assert.equal(compiled(energy()), true, 'the fixture is valid');
    assert.equal(compiled({ ...energy(), tabels: 3 }), false, 'an unknown key is not');
  });
});
