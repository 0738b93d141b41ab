import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINIMUM_GENERATED_INPUTS, PROPERTY_RUNS } from './propertyRuns';

describe('property budget', () => {
  it(`generates at least ${MINIMUM_GENERATED_INPUTS.toLocaleString('en-US')} inputs across the fault suite`, () => {
    const total = Object.values(PROPERTY_RUNS).reduce((sum, n) => sum + n, 0);
    assert.ok(total >= MINIMUM_GENERATED_INPUTS, `only ${total} generated inputs`);
  });
});
