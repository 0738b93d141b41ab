import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeploymentsRequest, type DeploymentsResult } from '../../../src/shared/protocol';
import { createShallowPipeline, type ShallowPipeline } from '../../fixtures/shallowPipeline';
import { LspHarness, positionOf, sleep } from './lspHarness';

/*
 * The same workspace through the real language server, on a full clone and on a --depth 30
 * clone of one repository: every lens title and hover that differs between the two must
 * say that history is cut and how to fetch it, none may turn ✓ into ✗ or back, and none
 * may show a count that the missing history would change.
 */

interface Answers {
  /** Commit name → lens title (absent: no lens, the SHA is not a local commit). */
  titles: Map<string, string>;
  /** Commit name → hover text, command links and backslash escapes removed. */
  hovers: Map<string, string | null>;
  /** What the Deployments view shows. */
  deployments: DeploymentsResult;
}

const CUT = /history is cut at [0-9a-f]{7} \(shallow clone\): cannot tell .+ — run `git fetch --unshallow`/;
/** Figures the missing history would change: commit and run counts, files changed. */
const COUNTS = /\d+ commits? behind|\d+ files? changed|\d+ (?:daily |backfill )?runs?\b|\d+ backfills?\b/g;

const documentText = (p: ShallowPipeline) => ['# Commits', '', ...p.names.map((name) => `- \`${p.sha[name].slice(0, 12)}\` ${name}`)].join('\n');

function plain(markdown: string): string {
  return markdown.replace(/\]\(command:[^)]*\)/g, ']').replace(/\\(.)/g, '$1');
}

async function answers(root: string, p: ShallowPipeline): Promise<Answers> {
  const server = await LspHarness.start({ folders: [root], settings: { hover: { warehouseBudgetMs: 10_000 }, codeLens: { warehouseWaitMs: 30_000 } } });
  try {
    await server.ready();
    const text = documentText(p);
    const uri = await server.open(join(root, 'notes.md'), 'markdown', text);
    const lineOf = new Map(p.names.map((name, i) => [i + 2, name]));
    const titles = new Map<string, string>();
    // Runs, deployments and results load in the background: read until nothing says loading.
    for (let attempt = 0; ; attempt++) {
      titles.clear();
      for (const lens of await server.lensTitles(uri)) titles.set(lineOf.get(lens.line)!, lens.title);
      if (![...titles.values()].some((t) => /loading/.test(t))) break;
      if (attempt > 100) throw new Error(`lenses still loading: ${[...titles.values()].join('\n')}`);
      await sleep(100);
    }
    const hovers = new Map<string, string | null>();
    for (const name of p.names) {
      const hover = await server.hover(uri, positionOf(text, p.sha[name].slice(0, 12), 3));
      assert.ok(!hover || !/loading/.test(hover), `the hover on ${name} waited for the warehouse:\n${hover}`);
      hovers.set(name, hover === null ? null : plain(hover));
    }
    const deployments = await server.connection.sendRequest<DeploymentsResult>(DeploymentsRequest.method, {});
    return { titles, hovers, deployments };
  } finally {
    await server.stop();
  }
}

/** Per service, ✓ or ✗ as a lens title states it. */
function verdicts(title: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of title.matchAll(/✓ (\w+)/g)) found.set(m[1], '✓');
  for (const m of title.matchAll(/✗ not in (\w+)/g)) found.set(m[1], '✗');
  for (const m of title.matchAll(/✗ (\w+) has no deployment/g)) found.set(m[1], '✗');
  return found;
}

describe('a shallow clone in the editor, against the full clone', () => {
  let pipeline: ShallowPipeline;
  let full: Answers;
  let shallow: Answers;

  before(async () => {
    pipeline = await createShallowPipeline();
    full = await answers(pipeline.full, pipeline);
    shallow = await answers(pipeline.shallow, pipeline);
    if (process.env.SHOW_ANSWERS) for (const name of pipeline.names) process.stdout.write(`${name}\n  F ${full.titles.get(name)}\n  S ${shallow.titles.get(name)}\n`);
  });

  after(async () => {
    await pipeline?.cleanup();
  });

  it('reads the same commits in both, fewer in the shallow clone', () => {
    assert.equal(full.titles.size, pipeline.names.length, 'the full clone knows every commit');
    assert.ok(shallow.titles.size < full.titles.size && shallow.titles.size > 30, `the shallow clone knows part of them: ${shallow.titles.size}`);
  });

  it('says history is cut in every lens title that differs from the full clone', () => {
    const differing = [...shallow.titles].filter(([name, title]) => title !== full.titles.get(name));
    for (const [name, title] of differing) assert.match(title, CUT, `${name}: full clone "${full.titles.get(name)}", shallow clone "${title}"`);
    // The scenario does reach each way the cut changes an answer.
    const names = differing.map(([name]) => name);
    for (const expected of ['m60', 'm9', 'm63', 'm64', 'm79', 'm87', 's1', 'm15', 'm17', 'm77'])
      assert.ok(names.includes(expected), `${expected} differs: ${full.titles.get(expected)} / ${shallow.titles.get(expected)}`);
  });

  it('still gives the answers that do not depend on the cut history', () => {
    for (const name of ['m66', 'm69', 'm72', 'm81', 'merge', 'm62', 'm86']) {
      assert.equal(shallow.titles.get(name), full.titles.get(name), `${name} is answered from history the shallow clone has`);
    }
    assert.match(shallow.titles.get('m81')!, /^✓ worker 13:00 \(\+4h00m\) · ⚠ 1 backfill ran on older code · model_a /);
  });

  it('never turns ✓ into ✗ or ✗ into ✓', () => {
    assert.match(full.titles.get('m17')!, /^✓ notes /, 'm62 contains m17');
    assert.match(shallow.titles.get('m17')!, /^\? notes unknown · .*cannot tell whether notes contains this commit \(notes-00001 with its history cut\)/);
    for (const [name, title] of shallow.titles) {
      const before = verdicts(full.titles.get(name)!);
      for (const [service, mark] of verdicts(title)) {
        if (before.has(service)) assert.equal(mark, before.get(service), `${name}, ${service}: full "${full.titles.get(name)}", shallow "${title}"`);
      }
    }
  });

  it('shows no count the cut history would change, in titles or hovers', () => {
    for (const name of pipeline.names) {
      for (const [kind, shallowText, fullText] of [
        ['title', shallow.titles.get(name), full.titles.get(name)],
        ['hover', shallow.hovers.get(name), full.hovers.get(name)],
      ] as const) {
        // The note itself counts what it cannot place: those figures are not answers.
        for (const count of shallowText?.replace(new RegExp(CUT.source, 'g'), '').match(COUNTS) ?? []) {
          assert.ok(fullText?.includes(count), `${name} ${kind}: "${count}" is not what the full clone says:\nshallow: ${shallowText}\nfull: ${fullText}`);
        }
      }
    }
    assert.match(full.titles.get('m79')!, /12 commits behind/);
    assert.doesNotMatch(shallow.titles.get('m79')!, /\d+ commits? behind/);
    assert.match(shallow.titles.get('m79')!, /cannot tell .*how many commits behind this one the serving build of feeds/);
  });

  it('says history is cut in every hover that differs from the full clone', () => {
    for (const name of pipeline.names) {
      const hover = shallow.hovers.get(name);
      if (hover !== full.hovers.get(name)) assert.match(hover ?? '(no hover)', CUT, `${name}: full clone:\n${full.hovers.get(name)}\nshallow clone:\n${hover}`);
    }
  });

  it('the Deployments view gives the distance to HEAD only where it is exact, and says why not elsewhere', () => {
    const revisions = (a: Answers) => new Map(a.deployments.services.flatMap((s) => s.revisions.map((r) => [r.revision, r] as const)));
    const [before, after] = [revisions(full), revisions(shallow)];
    assert.equal(after.size, 8);
    for (const [name, r] of after) {
      const whole = before.get(name)!;
      assert.equal(whole.historyCut, null);
      if (r.behindHead === whole.behindHead && r.aheadOfHead === whole.aheadOfHead) continue;
      assert.equal(r.behindHead, null, name);
      assert.equal(r.aheadOfHead, null, name);
      assert.match(r.historyCut ?? '', CUT, name);
    }
    assert.deepEqual([after.get('worker-00004')!.behindHead, after.get('worker-00004')!.aheadOfHead], [5, 0], 'm85..m89 descend from m84');
    assert.equal(after.get('notes-00001')!.behindHead, null, 'HEAD..m62 reaches m9..m20 through the side branch, below the cut');
    assert.equal(before.get('notes-00001')!.behindHead, 30, 'm63..m89, the merge and s0..s2');
    assert.match(after.get('worker-00001')!.historyCut!, /how worker-00001 relates to HEAD: its commit [0-9a-f]{7} is not in local history/);
  });

  it('does not list a boundary commit as changing every file', () => {
    const hover = shallow.hovers.get('m60')!;
    assert.match(hover, /files changed: unknown/);
    assert.match(hover, /cannot tell which files this commit changed/);
    assert.match(shallow.titles.get('m60')!, /^\? history is cut at [0-9a-f]{7} \(shallow clone\): cannot tell which files this commit changed/);
  });

  it('says a SHA beyond the cut may be a commit, with the command to fetch it', () => {
    assert.equal(shallow.titles.has('m40'), false, 'no lens: the shallow clone does not have m40');
    assert.match(shallow.hovers.get('m40')!, new RegExp(`${pipeline.sha.m40.slice(0, 12)} is not in local history: history is cut at [0-9a-f]{7} \\(shallow clone\\)`));
    assert.equal(full.hovers.get('m40') === null, false);
  });
});
