import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeHex, ObjectIdTable } from '../../../src/core/git/objectIdTable';

const sha = (n: number) => createHash('sha1').update(String(n)).digest('hex');

describe('ObjectIdTable.trim', () => {
  it('keeps every id findable, and takes more ids afterwards', () => {
    const table = new ObjectIdTable(20, 4);
    for (let n = 0; n < 100; n += 1) table.addBytes(decodeHex(sha(n), 20)!, 0);
    table.trim();
    assert.equal(table.raw.length, 100 * 20);
    for (let n = 0; n < 100; n += 1) assert.equal(table.idOf(sha(n)), n);
    assert.equal(table.findPrefix(sha(42).slice(0, 12)), 42);

    for (let n = 100; n < 150; n += 1) table.addBytes(decodeHex(sha(n), 20)!, 0);
    for (let n = 0; n < 150; n += 1) assert.equal(table.hexOf(table.idOf(sha(n))), sha(n));
  });

  it('lets an empty table grow again (an empty walk, then commits)', () => {
    const table = new ObjectIdTable(20, 16);
    table.trim();
    assert.equal(table.addBytes(decodeHex(sha(1), 20)!, 0), 0);
    assert.equal(table.idOf(sha(1)), 0);
  });
});

describe('ObjectIdTable with a sorted prefix', () => {
  it('finds every id by prefix when ids added after a sorted run are few (sorted alone and merged)', () => {
    const ids = Array.from({ length: 2000 }, (_, n) => sha(n));
    const sorted = ids.slice(0, 1900).sort();
    const table = ObjectIdTable.fromSortedBytes(20, Buffer.concat(sorted.map((s) => Buffer.from(s, 'hex'))), sorted.length);
    for (const s of sorted) assert.equal(table.hexOf(table.findPrefix(s.slice(0, 10))), s);
    for (const s of ids.slice(1900)) table.addBytes(decodeHex(s, 20)!, 0);
    for (const s of ids) assert.equal(table.hexOf(table.findPrefix(s.slice(0, 10))), s, s);
    assert.equal(table.findPrefix('ffffffffff'), -1);
  });

  it('treats only the ids it is told about as sorted', () => {
    const ids = Array.from({ length: 500 }, (_, n) => sha(n + 5000));
    const head = ids.slice(0, 480).sort();
    const table = ObjectIdTable.fromBytes(20, Buffer.concat([...head, ...ids.slice(480)].map((s) => Buffer.from(s, 'hex'))), 500);
    table.keepsSortedPrefix(480);
    for (const s of ids) assert.equal(table.hexOf(table.findPrefix(s.slice(0, 10))), s, s);
  });
});
