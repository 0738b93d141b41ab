import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitGraph } from '../../../src/core/git/ancestry';
import { RefreshingCache } from '../../../src/core/provenance/refreshingCache';
import { TrackedLoad, waitFor } from '../../../src/core/provenance/trackedLoad';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('prefix lookups in the commit graph', () => {
  const index = CommitGraph.fromRevList(['abcdef1' + '0'.repeat(33), 'abcdef2' + '0'.repeat(33), 'ABCDEF3' + '1'.repeat(33)].join('\n'));

  it('resolves unique prefixes of 4+ hex digits in any case, and reports ambiguity', () => {
    assert.equal(index.resolve('abcdef1'), 'abcdef1' + '0'.repeat(33));
    assert.equal(index.resolve('ABCDEF3'), 'abcdef3' + '1'.repeat(33));
    assert.equal(index.resolve('abcdef'), 'ambiguous');
    assert.equal(index.full('abcdef'), null);
    assert.equal(index.resolve('abc'), null);
    assert.equal(index.resolve('abcdef9'), null);
    assert.equal(index.resolve('zzzzzzz'), null);
    assert.equal(index.full('abcdef2' + '0'.repeat(33)), 'abcdef2' + '0'.repeat(33));
    assert.equal(index.resolve('abcdef2' + '0'.repeat(34)), null, 'longer than a SHA');
  });
});

describe('RefreshingCache', () => {
  it('loads a key once, serves it until it expires, then serves the old value while reloading', async () => {
    let loads = 0;
    const cache = new RefreshingCache<number>({ max: 4, ttlMs: 80, failureTtlMs: 20 });
    const load = async () => {
      loads++;
      await sleep(30);
      return loads;
    };
    const first = cache.get('k', load);
    assert.equal(cache.get('k', load), first, 'no second load while the first runs');
    assert.equal(await first.promise, 1);
    await sleep(100);
    const stale = cache.get('k', load);
    assert.equal(stale, first, 'expired: served while the next load runs');
    assert.equal(loads, 2);
    await sleep(50);
    assert.equal(cache.get('k', load).value, 2);
  });

  it('remembers a failure only briefly', async () => {
    let attempts = 0;
    const cache = new RefreshingCache<number>({ max: 4, ttlMs: 10_000, failureTtlMs: 40 });
    const failing = async (): Promise<number> => {
      attempts++;
      throw new Error('down');
    };
    const a = cache.get('k', failing);
    await a.promise.catch(() => undefined);
    assert.equal(a.state, 'failed');
    assert.equal(cache.get('k', failing), a);
    assert.equal(attempts, 1);
    await sleep(60);
    const b = cache.get('k', async () => 7);
    assert.notEqual(b, a);
    assert.equal(await b.promise, 7);
  });

  it('keeps at most max keys', async () => {
    const cache = new RefreshingCache<number>({ max: 2, ttlMs: 10_000, failureTtlMs: 10 });
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => 1).promise;
    assert.equal(cache.size, 2);
    assert.equal(cache.peek('a'), undefined);
  });
});

describe('waitFor', () => {
  it('returns at the deadline, on abort, or when everything settled', async () => {
    const never = new TrackedLoad(() => new Promise<never>(() => undefined));
    let started = Date.now();
    await waitFor([never.promise], 50);
    assert.ok(Date.now() - started >= 45);
    const controller = new AbortController();
    started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await waitFor([never.promise], null, controller.signal);
    assert.ok(Date.now() - started < 500);
    await waitFor([Promise.reject(new Error('x')), Promise.resolve(1)], null);
    assert.equal(never.state, 'loading');
  });
});
