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
