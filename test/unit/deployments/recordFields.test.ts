import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInstant, recordedCommit, recordedInstant } from '../../../src/core/deployments/recordFields';
import { DeploymentError } from '../../../src/core/deployments/types';

/*
 * The fields every deployment source reads alike: an instant is a date and time with its
 * offset, nothing the machine's zone or a lenient parser could read differently; a commit
 * is hex, at least seven digits.
 */

describe('parseInstant', () => {
  const accepted: Array<[string, string]> = [
    ['2026-01-30T19:10:00Z', '2026-01-30T19:10:00.000Z'],
    ['2026-01-30T19:10Z', '2026-01-30T19:10:00.000Z'],
    ['2026-01-30t19:10:00z', '2026-01-30T19:10:00.000Z'],
    ['2026-01-30T11:10:00-08:00', '2026-01-30T19:10:00.000Z'],
    ['2026-01-31T04:10:00+0900', '2026-01-30T19:10:00.000Z'],
    ['2026-01-30 19:10:00+00', '2026-01-30T19:10:00.000Z'],
    ['2026-01-30 19:10:00.123456 UTC', '2026-01-30T19:10:00.123Z'],
    ['2026-01-30T19:10:00.123456789Z', '2026-01-30T19:10:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ];
  for (const [text, iso] of accepted) it(`reads ${text}`, () => assert.equal(parseInstant(text), iso));

  const refused = [
    '2026-01-30T19:10:00',
    '2026-01-30 19:10:00',
    '2026-01-30',
    '5',
    'yesterday',
    'Fri, 30 Jan 2026 19:10:00 GMT',
    '2026-02-30T00:00:00Z',
    '2026-01-30T24:00:00Z',
    '2026-01-30T19:60:00Z',
    '2026-01-30T19:10:00+25:00',
    '1769800200',
    '',
  ];
  for (const text of refused) it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseInstant(text), null));
});

describe('recordedInstant', () => {
  const fails = (value: unknown, pattern: RegExp) =>
    assert.throws(
      () => recordedInstant(value, 'deployments.json record 2 (revision r2)', 'createdAt'),
      (error: unknown) => error instanceof DeploymentError && pattern.test(error.message),
    );

  it('says a time without an offset would be read in each machine’s zone, and what to write instead', () => {
    fails(
      '2026-01-30T19:10:00',
      /^deployments\.json record 2 \(revision r2\) has createdAt "2026-01-30T19:10:00", which has no UTC offset: it would be read in each machine's own time zone\. Use an ISO 8601 date and time with its UTC offset, e\.g\. 2026-01-30T19:10:00Z/,
    );
    fails('2026-01-30', /has no UTC offset/);
  });

  it('refuses what is no date-time at all, naming the record, the field and the accepted form', () => {
    fails('5', /^deployments\.json record 2 \(revision r2\) has createdAt "5", which is not a date-time; use an ISO 8601 date and time with its UTC offset/);
    fails(1769800200, /has createdAt 1769800200, which is not a date-time/);
    fails(null, /has no createdAt; use an ISO 8601/);
    fails(new Date(Number.NaN), /which is not a date-time/);
  });

  it('takes a Date from a typed warehouse column as it is', () => {
    assert.equal(recordedInstant(new Date('2026-01-30T19:10:00Z'), 'r', 'createdAt'), '2026-01-30T19:10:00.000Z');
  });
});

describe('recordedCommit', () => {
  const where = 'deployments.json record 2 (revision r2)';
  it('lower-cases a full SHA or a prefix of 7 or more, and keeps an absent commit absent', () => {
    assert.equal(recordedCommit('ABCDEF1', where, 'commit'), 'abcdef1');
    assert.equal(recordedCommit('a'.repeat(40), where, 'commit'), 'a'.repeat(40));
    assert.equal(recordedCommit(null, where, 'commit'), null);
    assert.equal(recordedCommit(undefined, where, 'commit'), null);
  });

  it('refuses prefixes shorter than 7 and values that are no SHA, naming the record and the accepted form', () => {
    assert.throws(
      () => recordedCommit('5d8a', where, 'commit'),
      /deployments\.json record 2 \(revision r2\) has commit "5d8a", a prefix of 4 hex digits: too short to name one commit; record a git SHA: the full 40 hex digits .* or a prefix of at least 7\.$/,
    );
    assert.throws(() => recordedCommit('abcdef', where, 'commit'), /a prefix of 6 hex digits/);
    for (const value of ['main', '', 'g'.repeat(40), 'a'.repeat(41), 42]) {
      assert.throws(() => recordedCommit(value, where, 'commit'), /which is not a git SHA; record a git SHA/, JSON.stringify(value));
    }
  });
});
