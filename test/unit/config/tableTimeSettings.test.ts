import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/config/configError';
import { resolveConfig } from '../../../src/core/config/loadConfig';

/* tables.<role>.dateType and timeZone: how a table's date column holds its day. */

const FILE = '/ws/pipeline-lens.json';
const config = (predictions: Record<string, unknown>) => ({
  warehouse: { kind: 'embedded', files: { 'ds.preds': 'p.csv', 'ds.graded': 'g.csv' } },
  tables: { predictions: { table: 'ds.preds', ...predictions }, graded: { table: 'ds.graded' } },
});

function rejection(raw: unknown): ConfigError {
  try {
    resolveConfig(raw, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected the config to be rejected');
}

describe('table time settings', () => {
  it('defaults to a DATE column (no rule), and keeps a TIMESTAMP column with its zone', () => {
    assert.equal(resolveConfig(config({}), FILE).tables.predictions.day, undefined);
    assert.deepEqual(resolveConfig(config({ dateType: 'TIMESTAMP', timeZone: 'America/Los_Angeles' }), FILE).tables.predictions.day, {
      type: 'TIMESTAMP',
      timeZone: 'America/Los_Angeles',
    });
    assert.deepEqual(resolveConfig(config({ dateType: 'DATETIME' }), FILE).tables.predictions.day, { type: 'DATETIME', timeZone: 'UTC' });
  });

  it('refuses a zone that is not an IANA name, naming the key', () => {
    for (const zone of ['Mars/Olympus', '+05:30', 'PST8PDT; DROP']) {
      const error = rejection(config({ dateType: 'TIMESTAMP', timeZone: zone }));
      assert.match(error.message, /\/tables\/predictions\/timeZone .* is not a time zone name; use an IANA name such as "America\/Los_Angeles"/);
    }
  });

  it('refuses a zone on a DATE column, saying to set dateType', () => {
    assert.match(
      rejection(config({ timeZone: 'Europe/Berlin' })).message,
      /\/tables\/predictions\/timeZone is "Europe\/Berlin", but \/tables\/predictions\/dateType is DATE .*set dateType to TIMESTAMP or DATETIME/,
    );
  });

  it('refuses an unknown date type through the schema', () => {
    assert.match(rejection(config({ dateType: 'INT64' })).message, /\/tables\/predictions\/dateType must be one of "DATE", "TIMESTAMP", "DATETIME"/);
  });
});
