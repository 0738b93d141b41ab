import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import type { Resolution } from '../../../src/core/git/types';
import { createGitFixture, runGit, type GitFixture } from '../../fixtures/gitFixture';

function objectSha(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** Varies a nonce until the object's SHA starts with `prefix` (65,536 tries on average for 4 hex digits). */
function craft(type: string, prefix: string, make: (nonce: number) => Buffer): Buffer {
  for (let nonce = 0; nonce < 5_000_000; nonce += 1) {
    const body = make(nonce);
    if (objectSha(type, body).startsWith(prefix)) return body;
  }
  throw new Error(`no ${type} with prefix ${prefix} found`);
}

function found(resolution: Resolution | undefined): string {
  assert.equal(resolution?.status, 'found', `expected found, got ${JSON.stringify(resolution)}`);
  return resolution.status === 'found' ? resolution.commit.sha : '';
}

describe('GitRepository.resolve', () => {
  let fixture: GitFixture;
  let repo: GitRepository;
  let twin: string;

  before(async () => {
    fixture = await createGitFixture([
      { message: 'Initial import', files: { 'svc/app.py': 'print(1)\n' }, date: '2026-01-28T10:00:00Z' },
      {
        message: 'Fix feature offsets for Vegas\n\nThe offsets were shifted by one.\nSecond line of the body.',
        files: { 'svc/app.py': 'print(2)\n' },
        date: '2026-01-30T03:17:00Z',
        author: 'Grace Hopper <grace@navy.test>',
      },
      { message: 'Deploy config', files: { 'deploy.yaml': 'image: worker\n' }, date: '2026-01-30T19:10:00Z' },
    ]);
    // A second commit whose SHA shares the first 4 hex digits of the fix commit, made
    // reachable through a branch like any real commit.
    const raw = Buffer.from(await runGit(fixture.root, ['cat-file', 'commit', fixture.shas[1]]));
    const prefix = fixture.shas[1].slice(0, 4);
    const body = craft('commit', prefix, (nonce) => Buffer.concat([raw, Buffer.from(`\nnonce ${nonce}\n`)]));
    twin = (await runGit(fixture.root, ['hash-object', '-t', 'commit', '-w', '--stdin'], body)).trim();
    await runGit(fixture.root, ['update-ref', 'refs/heads/twin', twin]);
    repo = await GitRepository.open(fixture.root);
  });
  after(() => fixture.cleanup());

  it('finds a commit by full SHA, by 7-character prefix and in upper case, keyed by the input as given', async () => {
    const [first, fix, deploy] = fixture.shas;
    const inputs = [first, fix.slice(0, 7), deploy.slice(0, 10).toUpperCase()];
    const result = await repo.resolve(inputs);
    assert.deepEqual([...result.keys()], inputs);
    assert.equal(found(result.get(inputs[0])), first);
    assert.equal(found(result.get(inputs[1])), fix);
    assert.equal(found(result.get(inputs[2])), deploy);
  });

  it('describes the commit: subject is the first paragraph, dates are ISO UTC, author and parents are right', async () => {
    const fix = fixture.shas[1];
    const resolution = (await repo.resolve([fix.slice(0, 8)])).get(fix.slice(0, 8));
    assert.equal(resolution?.status, 'found');
    if (resolution?.status !== 'found') return;
    assert.deepEqual(resolution.commit, {
      sha: fix,
      shortSha: fix.slice(0, 7),
      subject: 'Fix feature offsets for Vegas',
      author: 'Grace Hopper',
      authorEmail: 'grace@navy.test',
      committedAt: '2026-01-30T03:17:00.000Z',
      authoredAt: '2026-01-30T03:17:00.000Z',
      parents: [fixture.shas[0]],
    });
  });

  it('reports a prefix two commits share as ambiguous, listing both, while longer prefixes still resolve', async () => {
    const fix = fixture.shas[1];
    const shared = fix.slice(0, 4);
    assert.notEqual(twin.slice(0, 7), fix.slice(0, 7), 'the crafted twin should differ beyond 4 digits (rerun would pick another nonce)');
    const result = await repo.resolve([shared, fix.slice(0, 7), twin.slice(0, 7)]);
    assert.deepEqual(result.get(shared), { status: 'ambiguous', candidates: [fix, twin].sort() });
    assert.equal(found(result.get(fix.slice(0, 7))), fix);
    assert.equal(found(result.get(twin.slice(0, 7))), twin);
  });

  it('resolves a prefix shared by a commit and a file blob to the commit, as git does', async () => {
    const deploy = fixture.shas[2];
    const prefix = deploy.slice(0, 4);
    const blob = craft('blob', prefix, (nonce) => Buffer.from(`blob content ${nonce}\n`));
    const blobSha = (await runGit(fixture.root, ['hash-object', '-w', '--stdin'], blob)).trim();
    assert.ok(blobSha.startsWith(prefix));
    const result = await repo.resolve([prefix, blobSha]);
    assert.equal(found(result.get(prefix)), deploy);
    assert.deepEqual(result.get(blobSha), { status: 'unknown' }, 'a blob SHA is not a commit');
  });

  it('reports unknown for SHAs not in history and for text that is not a 4-40 digit hex prefix', async () => {
    const absent = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
      .map((digit) => digit.repeat(12))
      .find((candidate) => ![...fixture.shas, twin].some((sha) => sha.startsWith(candidate.slice(0, 4))))!;
    const inputs = [absent, 'a'.repeat(40).replace(/^a/, 'b'), 'HEAD', 'main', 'abc', 'g123456', ''];
    const result = await repo.resolve(inputs);
    for (const input of inputs) assert.deepEqual(result.get(input), { status: 'unknown' }, input);
  });

  it('does not start git at all when nothing looks like a SHA', async () => {
    const before = repo.processCount;
    await repo.resolve(['HEAD', 'xyz', '12']);
    assert.equal(repo.processCount, before);
  });

  it('uses as many git processes for 500 prefixes as for 1', async () => {
    const [first, fix] = fixture.shas;
    const ambiguous = fix.slice(0, 4);
    const start = repo.processCount;
    const small = await repo.resolve([first.slice(0, 7), ambiguous]);
    const forSmall = repo.processCount - start;

    const many = [ambiguous, ...fixture.shas, ...fixture.shas.map((sha) => sha.slice(0, 9))];
    for (let i = 0; many.length < 500; i += 1) many.push(createHash('sha1').update(`absent ${i}`).digest('hex').slice(0, 12));
    const middle = repo.processCount;
    const large = await repo.resolve(many);
    const forLarge = repo.processCount - middle;

    assert.equal(small.size, 2);
    assert.equal(large.size, new Set(many).size);
    assert.equal(large.get(ambiguous)?.status, 'ambiguous');
    assert.ok(forSmall > 0);
    assert.equal(forLarge, forSmall);
  });

  it('resolves prefixes that all exist with a single git process', async () => {
    const start = repo.processCount;
    const result = await repo.resolve(fixture.shas.map((sha) => sha.slice(0, 7)));
    assert.equal(repo.processCount - start, 1);
    assert.deepEqual([...result.values()].map(found), fixture.shas);
  });

  it('commits() gives the same description for full SHAs and leaves unknown ones out', async () => {
    const absent = 'f'.repeat(40);
    const result = await repo.commits([...fixture.shas, absent]);
    assert.deepEqual([...result.keys()], fixture.shas);
    const resolved = await repo.resolve(fixture.shas);
    for (const sha of fixture.shas) {
      const resolution = resolved.get(sha);
      assert.deepEqual(result.get(sha), resolution?.status === 'found' ? resolution.commit : undefined);
    }
  });
});
