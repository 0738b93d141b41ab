import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAge } from '../../../src/core/report/age';
import { renderVerify } from '../../../src/core/report/renderVerify';
import type { VerifyResult } from '../../../src/core/verify/verifyDeployment';

const DAY = 86_400;
/** Seconds from `at` to `now`, as verifyDeployment computes a missing commit's age. */
const age = (at: string, now: string) => (Date.parse(now) - Date.parse(at)) / 1000;

describe('ages relative to the data', () => {
  it('data that ended well before today: the age is told against its last day', () => {
    const now = '2026-12-07T12:00:00Z';
    assert.equal(describeAge('2026-01-31T09:00:00Z', age('2026-01-31T09:00:00Z', now), '2026-02-03'), "3 days before the data's last day, 2026-02-03");
    assert.equal(describeAge('2026-02-02T23:30:00Z', age('2026-02-02T23:30:00Z', now), '2026-02-03'), "1 day before the data's last day, 2026-02-03");
    assert.equal(describeAge('2026-02-03T20:07:00Z', age('2026-02-03T20:07:00Z', now), '2026-02-03'), "on the data's last day, 2026-02-03");
    assert.equal(describeAge('2026-02-05T08:00:00Z', age('2026-02-05T08:00:00Z', now), '2026-02-03'), "2 days after the data's last day, 2026-02-03");
  });

  it('data that runs to (nearly) today, or no known range: the age from now', () => {
    const now = '2026-02-08T12:00:00Z';
    assert.equal(describeAge('2026-02-05T09:00:00Z', age('2026-02-05T09:00:00Z', now), '2026-02-03'), '3d3h ago');
    assert.equal(describeAge('2026-02-05T09:00:00Z', 3 * DAY, null), '3d0h ago');
    // A week after the last day's end is still recent data; a moment later it is old.
    const lastEnd = '2026-02-04T00:00:00Z';
    const weekAfter = new Date(Date.parse(lastEnd) + 7 * DAY * 1000).toISOString();
    assert.match(describeAge('2026-02-01T00:00:00Z', age('2026-02-01T00:00:00Z', weekAfter), '2026-02-03'), / ago$/);
    const later = new Date(Date.parse(lastEnd) + (7 * DAY + 60) * 1000).toISOString();
    assert.equal(describeAge('2026-02-01T00:00:00Z', age('2026-02-01T00:00:00Z', later), '2026-02-03'), "2 days before the data's last day, 2026-02-03");
  });

  it("verify's list of missing commits reads its ages against old data", () => {
    const committedAt = '2026-02-03T10:00:00Z';
    const result: VerifyResult = {
      verdict: 'stale',
      service: 'prediction-worker',
      target: { rev: 'HEAD', sha: 'f'.repeat(40) },
      deployed: null,
      reason: 'prediction-worker lacks 1 commit(s) of HEAD that touch its code.',
      hint: null,
      missing: [{ sha: 'a'.repeat(40), subject: 'fix(worker): one more', author: 'Dana', committedAt, ageSeconds: age(committedAt, '2026-12-07T12:00:00Z') }],
      unrelatedAhead: 0,
      diverged: false,
      warnings: [],
      checked: [],
      witnesses: { ancestry: { answer: 'no', says: 'missing 1' }, content: { answer: 'no', says: 'differs' } },
    } as unknown as VerifyResult;
    assert.match(renderVerify(result, '2026-02-03'), /aaaaaaaa {2}fix\(worker\): one more {2}\(Dana, committed 2026-02-03 10:00 UTC, on the data's last day, 2026-02-03\)/);
    assert.match(renderVerify(result), /\(Dana, committed 2026-02-03 10:00 UTC, 307d\d+h ago\)/);
  });

  it("verify's deployed revision says when it was deployed and how long before now: the present state, not the data's", () => {
    const result = {
      verdict: 'ok',
      service: 'prediction-worker',
      target: { rev: 'HEAD', sha: 'f'.repeat(40) },
      deployed: { revision: 'prediction-worker-00069-wqf', commit: 'a'.repeat(40), createdAt: '2026-01-30T19:10:00Z', trafficPercent: 100 },
      reason: 'ok',
      hint: null,
      missing: [],
      unrelatedAhead: 0,
      diverged: false,
      warnings: [],
      checked: [],
      witnesses: { ancestry: { answer: 'yes', says: 'contains' }, content: { answer: 'yes', says: 'same' } },
    } as unknown as VerifyResult;
    const text = renderVerify(result, '2026-02-03', new Date('2026-12-07T19:10:00Z'));
    assert.match(text, /^ {2}deployed: prediction-worker-00069-wqf · aaaaaaaa · 2026-01-30 19:10 UTC, 311d0h ago · 100% traffic$/m);
  });
});
