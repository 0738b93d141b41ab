import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureGitEnv, runGit } from '../../test/fixtures/gitFixture';
import { cacheDir } from '../cache';
import { seededRandom } from '../stats';

/**
 * A repository shaped like a busy real one, built in one `git fast-import` stream:
 * a main line with direct commits; feature branches of a few to a few dozen commits opened
 * from main, most merged back (into main, or into a long-lived `next` that is merged into
 * main and back every few hundred commits), some abandoned; a long-lived `maint` merged into
 * main now and then; a root commit of a few thousand files that later commits edit, so
 * `--name-only` listings diff real trees. Refs like a clone that fetched everything: open
 * and stale branches, release tags (half annotated), GitHub pull refs
 * (`refs/pull/N/head`) of most branches, notes, and a detached HEAD with commits no ref
 * reaches. Packed refs, no commit-graph file (what a fresh clone has). Deterministic from
 * the seed, so every machine measures the same history.
 */
export interface GeneratedHistory {
  /** Working tree root. */
  root: string;
  /** Commits reachable from some ref or HEAD, notes commits included. */
  commits: number;
  merges: number;
  features: number;
  abandoned: number;
  refs: { heads: number; tags: number; pull: number; notes: number };
  /** The ref whose first-parent line is the deployed history. */
  mainRef: string;
  /** The top-level folder of each service's code. */
  serviceFolders: string[];
}

export interface HistorySize {
  /** Commits of branch history (main, features, next, maint, detached), notes commits not counted. */
  commits: number;
}

interface Manifest extends Omit<GeneratedHistory, 'root'> {
  version: number;
  size: number;
  seed: number;
  head: string;
}

/** Bump when the generator writes a different history. */
const GENERATOR_VERSION = 1;
const SEED = 20260130;
const MINUTES_PER_COMMIT = 10;
/** The last commit's date: histories end where the deployments and warehouse rows are. */
const LAST_COMMIT = Date.parse('2026-11-30T12:00:00Z');
export const SERVICE_FOLDERS = ['services/prediction-worker', 'services/feature-store', 'services/grader'];
const OTHER_FOLDERS = ['lib', 'docs', 'tests', 'tools', 'ci'];
const DIRS_PER_FOLDER = 16;
const FILES_PER_DIR = 25;
const OPEN_FEATURES = 16;
const DETACHED_COMMITS = 25;
const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Ken Thompson', 'Barbara Liskov', 'Edsger Dijkstra', 'Frances Allen', 'Donald Knuth', 'Margaret Hamilton'];

/** The history for `size`, built once and reused from the cache (checked by resolving HEAD). */
export async function generatedHistory(size: HistorySize, log: (line: string) => void): Promise<GeneratedHistory> {
  const dir = await cacheDir(`real-shaped-${size.commits}`);
  const root = join(dir, 'repo');
  const manifestFile = join(dir, 'manifest.json');
  const cached = await readFile(manifestFile, 'utf8')
    .then((t) => JSON.parse(t) as Manifest)
    .catch(() => null);
  if (cached && cached.version === GENERATOR_VERSION && cached.size === size.commits && cached.seed === SEED) {
    const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '');
    if (head.trim() === cached.head) {
      // Something (a gc, a person) may have written one since; this history promises none.
      await removeCommitGraph(root);
      const { version: _v, size: _s, seed: _seed, head: _h, ...history } = cached;
      return { ...history, root };
    }
  }
  log(`generating a ${size.commits.toLocaleString('en-US')}-commit history with fast-import (cached afterwards in ${dir})`);
  const started = Date.now();
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const built = await buildHistory(root, dir, size.commits, log);
  log(
    `generated in ${((Date.now() - started) / 1000).toFixed(1)} s: ${built.commits.toLocaleString('en-US')} commits, ${built.merges.toLocaleString('en-US')} merges, ${JSON.stringify(built.refs)}`,
  );
  const head = (await runGit(root, ['rev-parse', 'HEAD'])).trim();
  const manifest: Manifest = { version: GENERATOR_VERSION, size: size.commits, seed: SEED, head, ...built };
  await writeFile(manifestFile, JSON.stringify(manifest));
  return { ...built, root };
}

async function removeCommitGraph(root: string): Promise<void> {
  await rm(join(root, '.git', 'objects', 'info', 'commit-graph'), { force: true });
  await rm(join(root, '.git', 'objects', 'info', 'commit-graphs'), { recursive: true, force: true });
}

interface Feature {
  id: number;
  lane: number;
  folder: string;
  length: number;
  made: number;
  tip: number;
  files: Map<string, number>;
}

/** Where each final ref points (a commit mark), and which tags are annotated. */
interface FinalRefs {
  heads: Map<string, number>;
  pulls: Map<number, number>;
  tags: Array<{ name: string; mark: number; annotated: boolean }>;
}

async function buildHistory(root: string, dir: string, target: number, log: (line: string) => void): Promise<Omit<GeneratedHistory, 'root'>> {
  const phase = phaseTimer(log);
  await runGit(root, ['init', '-q', '--initial-branch=main']);
  // No automatic gc: it could write a commit-graph, and a fresh clone has none.
  await runGit(root, ['config', 'gc.auto', '0']);
  await runGit(root, ['config', 'core.autocrlf', 'false']);

  const streamFile = join(dir, 'history.fast-import');
  const out = createWriteStream(streamFile);
  let buffered: string[] = [];
  let bufferedLength = 0;
  const emit = async (text: string) => {
    buffered.push(text);
    bufferedLength += text.length;
    if (bufferedLength > 4_000_000) {
      const chunk = buffered.join('');
      buffered = [];
      bufferedLength = 0;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  };

  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const folders = [...SERVICE_FOLDERS, ...OTHER_FOLDERS];
  const filePath = (folder: string, d: number, f: number) => `${folder}/m${d}/f${f}.${folder.startsWith('docs') ? 'md' : 'py'}`;
  const randomFile = (folder: string) => filePath(folder, Math.floor(random() * DIRS_PER_FOLDER), Math.floor(random() * FILES_PER_DIR));
  const firstDate = LAST_COMMIT - target * MINUTES_PER_COMMIT * 60_000;
  const blob = (path: string, stamp: number) => `# ${path}\nrevision ${stamp}\n`;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;

  // Marks 1..n are history commits in creation order; notes commits follow them.
  let mark = 0;
  let merges = 0;
  const commit = async (ref: string, message: string, from: number | null, merge: number | null, files: Iterable<[string, number]>): Promise<number> => {
    mark += 1;
    const when = `${Math.floor((firstDate + mark * MINUTES_PER_COMMIT * 60_000) / 1000)} +0000`;
    const author = AUTHORS[mark % AUTHORS.length];
    let text = `commit ${ref}\nmark :${mark}\nauthor ${author} <${author.toLowerCase().replace(/ /g, '.')}@example.test> ${when}\ncommitter ${author} <${author.toLowerCase().replace(/ /g, '.')}@example.test> ${when}\n${data(`${message}\n`)}`;
    if (from !== null) text += `from :${from}\n`;
    if (merge !== null) {
      text += `merge :${merge}\n`;
      merges += 1;
    }
    for (const [path, stamp] of files) text += `M 100644 inline ${path}\n${data(blob(path, stamp))}`;
    await emit(`${text}\n`);
    return mark;
  };

  // The long-lived branches know every path's last stamp, so merging one into another
  // writes exactly the paths where the source is newer (the other side's edits are older).
  const main = new Map<string, number>();
  const initial: Array<[string, number]> = [];
  for (const folder of folders) for (let d = 0; d < DIRS_PER_FOLDER; d++) for (let f = 0; f < FILES_PER_DIR; f++) initial.push([filePath(folder, d, f), 1]);
  let mainTip = await commit('refs/heads/main', 'Initial import', null, null, initial);
  for (const [path, stamp] of initial) main.set(path, stamp);
  let next: { tip: number; files: Map<string, number> } | null = null;
  let maint: { tip: number; files: Map<string, number> } | null = null;
  const open: Feature[] = [];
  const freeLanes = Array.from({ length: OPEN_FEATURES }, (_, i) => i);
  const refs: FinalRefs = { heads: new Map(), pulls: new Map(), tags: [] };
  let features = 0;
  let abandoned = 0;
  let pullNumber = 0;
  let mainCommits = 0;
  let release = 0;
  const notes: number[] = [];

  const onMain = async (message: string, merge: number | null, files: Array<[string, number]>) => {
    mainTip = await commit('refs/heads/main', message, mainTip, merge, files);
    for (const [path, stamp] of files) main.set(path, stamp);
    mainCommits += 1;
    if (mainCommits % 40 === 0) {
      release += 1;
      refs.tags.push({ name: `v2.${Math.floor(release / 10)}.${release % 10}`, mark: mainTip, annotated: release % 2 === 0 });
    }
    if (random() < 0.05) notes.push(mainTip);
  };
  const newerIn = (source: Map<string, number>, target: Map<string, number>): Array<[string, number]> => [...source].filter(([path, stamp]) => stamp > (target.get(path) ?? 0));

  while (mark < target - DETACHED_COMMITS) {
    const roll = random();
    if (mark > 500 && next === null) next = { tip: mainTip, files: new Map(main) };
    if (mark > target * 0.1 && maint === null) maint = { tip: mainTip, files: new Map(main) };
    if (roll < 0.17 || (roll >= 0.995 && !maint)) {
      const files: Array<[string, number]> = [];
      const count = 1 + Math.floor(random() * 3);
      for (let i = 0; i < count; i++) files.push([randomFile(pick(folders)), mark + 1]);
      await onMain(`${pick(['Fix', 'Tweak', 'Update', 'Refactor', 'Document'])} ${files[0][0]}`, null, files);
    } else if (roll >= 0.995 && maint) {
      const path = randomFile(pick(SERVICE_FOLDERS));
      maint.tip = await commit('refs/heads/maint', `maint: fix ${path}`, maint.tip, null, [[path, mark + 1]]);
      maint.files.set(path, mark);
    } else if ((roll < 0.24 && open.length < OPEN_FEATURES) || open.length === 0) {
      features += 1;
      const folder = random() < 0.7 ? pick(SERVICE_FOLDERS) : pick(OTHER_FOLDERS);
      open.push({ id: features, lane: freeLanes.shift()!, folder, length: 2 + Math.floor(random() * random() * 40), made: 0, tip: mainTip, files: new Map() });
    } else {
      const feature = pick(open);
      if (feature.made < feature.length) {
        const path = feature.files.size > 0 && random() < 0.6 ? pick([...feature.files.keys()]) : randomFile(feature.folder);
        feature.files.set(path, mark + 1);
        feature.tip = await commit(`refs/heads/lane/${feature.lane}`, `topic ${feature.id}: ${feature.made === 0 ? 'start' : 'continue'} ${path}`, feature.tip, null, [
          [path, mark + 1],
        ]);
        feature.made += 1;
      } else {
        open.splice(open.indexOf(feature), 1);
        freeLanes.push(feature.lane);
        pullNumber += 1 + Math.floor(random() * 3);
        if (random() < 0.06) {
          abandoned += 1;
          refs.pulls.set(pullNumber, feature.tip);
          if (random() < 0.5) refs.heads.set(`topic/${feature.id}`, feature.tip);
        } else {
          if (random() < 0.5) refs.pulls.set(pullNumber, feature.tip);
          if (random() < 0.03) refs.heads.set(`topic/${feature.id}`, feature.tip);
          const files = [...feature.files];
          if (next && random() < 0.35) {
            next.tip = await commit('refs/heads/next', `Merge branch 'topic/${feature.id}' into next`, next.tip, feature.tip, files);
            for (const [path, stamp] of files) next.files.set(path, stamp);
          } else {
            await onMain(`Merge branch 'topic/${feature.id}'`, feature.tip, files);
          }
        }
      }
    }
    // Integration: next and main meet every few hundred commits; maint goes into main now and then.
    if (next && mark % 300 === 0) {
      const fromNext = newerIn(next.files, main);
      if (fromNext.length) await onMain("Merge branch 'next'", next.tip, fromNext);
      const fromMain = newerIn(main, next.files);
      if (fromMain.length && random() < 0.6) {
        next.tip = await commit('refs/heads/next', "Merge branch 'main' into next", next.tip, mainTip, fromMain);
        for (const [path, stamp] of fromMain) next.files.set(path, stamp);
      }
    }
    if (maint && mark % 2_500 === 0) {
      const fromMaint = newerIn(maint.files, main);
      if (fromMaint.length) await onMain("Merge branch 'maint'", maint.tip, fromMaint);
    }
  }
  // Features still open keep their branch and a pull request.
  for (const feature of open) {
    if (feature.made === 0) continue;
    pullNumber += 1;
    refs.pulls.set(pullNumber, feature.tip);
    refs.heads.set(`topic/${feature.id}`, feature.tip);
  }
  // Commits only a detached HEAD reaches: someone checked out main and committed there.
  let detached = mainTip;
  for (let i = 0; i < DETACHED_COMMITS; i++) detached = await commit('refs/heads/lane/detached', `experiment ${i + 1}`, detached, null, [[randomFile(pick(folders)), mark + 1]]);
  const historyMarks = mark;

  // Notes: one notes commit per ten annotated commits, like a review log.
  let notesTip: number | null = null;
  for (let i = 0; i < notes.length; i += 10) {
    mark += 1;
    const when = `${Math.floor((firstDate + notes[Math.min(i + 9, notes.length - 1)] * MINUTES_PER_COMMIT * 60_000) / 1000)} +0000`;
    let text = `commit refs/notes/commits\nmark :${mark}\ncommitter Notes Bot <notes@example.test> ${when}\n${data('Notes added by review\n')}`;
    if (notesTip !== null) text += `from :${notesTip}\n`;
    for (const target of notes.slice(i, i + 10)) text += `N inline :${target}\n${data(`Reviewed-by: ${AUTHORS[target % AUTHORS.length]}\n`)}`;
    await emit(`${text}\n`);
    notesTip = mark;
  }

  let finals = '';
  if (next) finals += `reset refs/heads/next\nfrom :${next.tip}\n\n`;
  if (maint) finals += `reset refs/heads/maint\nfrom :${maint.tip}\n\n`;
  for (const [name, at] of refs.heads) finals += `reset refs/heads/${name}\nfrom :${at}\n\n`;
  for (const [n, at] of refs.pulls) finals += `reset refs/pull/${n}/head\nfrom :${at}\n\n`;
  for (const tag of refs.tags) {
    finals += tag.annotated
      ? `tag ${tag.name}\nfrom :${tag.mark}\ntagger Release Bot <release@example.test> ${Math.floor((firstDate + tag.mark * MINUTES_PER_COMMIT * 60_000) / 1000)} +0000\n${data(`Release ${tag.name}\n`)}`
      : `reset refs/tags/${tag.name}\nfrom :${tag.mark}\n\n`;
  }
  await emit(`${finals}done\n`);
  out.end(buffered.join(''));
  await new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });

  phase('fast-import stream written');
  const marksFile = join(dir, 'history.marks');
  await fastImport(root, streamFile, marksFile);
  const marks = new Map<number, string>();
  for (const line of (await readFile(marksFile, 'utf8')).split('\n')) {
    const [m, sha] = line.split(' ');
    if (m && sha) marks.set(Number(m.slice(1)), sha);
  }
  await rm(streamFile, { force: true });
  await rm(marksFile, { force: true });
  phase('fast-import');

  // The lanes were only where feature commits were written; a detached HEAD holds the experiment.
  const laneRefs = [...Array.from({ length: OPEN_FEATURES }, (_, i) => `refs/heads/lane/${i}`), 'refs/heads/lane/detached'];
  const existing = new Set((await runGit(root, ['for-each-ref', '--format=%(refname)', 'refs/heads/lane/'])).split('\n').filter(Boolean));
  await runGit(
    root,
    ['update-ref', '--stdin'],
    laneRefs
      .filter((r) => existing.has(r))
      .map((r) => `delete ${r}\n`)
      .join(''),
  );
  await runGit(root, ['update-ref', '--no-deref', 'HEAD', marks.get(historyMarks)!]);
  await runGit(root, ['reset', '-q', '--hard']);
  await runGit(root, ['pack-refs', '--all']);
  await removeCommitGraph(root);
  phase('refs, detached HEAD and checkout');

  const counts = (await runGit(root, ['for-each-ref', '--format=%(refname)'])).split('\n').filter(Boolean);
  const refCount = (prefix: string) => counts.filter((r) => r.startsWith(prefix)).length;
  const commits = Number((await runGit(root, ['rev-list', '--all', '--count'])).trim());
  return {
    commits,
    merges,
    features,
    abandoned,
    refs: { heads: refCount('refs/heads/'), tags: refCount('refs/tags/'), pull: refCount('refs/pull/'), notes: refCount('refs/notes/') },
    mainRef: 'refs/heads/main',
    serviceFolders: SERVICE_FOLDERS,
  };
}

function fastImport(root: string, streamFile: string, marksFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // glibc otherwise returns memory to the kernel after nearly every object and asks for it
    // again: on some virtual machines those brk calls make fast-import twenty times slower.
    const env = { ...fixtureGitEnv(), GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=536870912:glibc.malloc.top_pad=268435456' };
    const child = spawn('git', ['fast-import', '--quiet', '--active-branches=40', `--export-marks=${marksFile}`], { cwd: root, env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr.trim()}`))));
    child.stdin.on('error', () => undefined);
    createReadStream(streamFile).on('error', reject).pipe(child.stdin);
  });
}

function phaseTimer(log: (line: string) => void): (what: string) => void {
  let last = Date.now();
  return (what) => {
    const now = Date.now();
    log(`${what} in ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };
}
