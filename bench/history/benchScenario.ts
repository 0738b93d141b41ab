import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { runGit } from '../../test/fixtures/gitFixture';
import { cacheDir } from '../cache';
import { sample, seededRandom } from '../stats';

/**
 * What every git-bound figure asks about one repository, the same questions whether the
 * history was generated or is a real clone named by BENCH_REPO: three services with source
 * paths, deployed revisions along the main line, a document naming 1,000 commits (deployed
 * ones, others on the main line, some only on side branches or pull refs, and any that only
 * a detached HEAD reaches), and one commit for the CLI.
 */
export interface BenchScenario {
  /** Short name for tables and file names, e.g. `generated 205,020 commits` or `git @ 1a2b3c4`. */
  label: string;
  /** Stable key of the repository's state (refs and HEAD): what cached inputs are built for. */
  key: string;
  root: string;
  /** Commits reachable from any ref or HEAD. */
  commits: number;
  merges: number;
  refs: { total: number; heads: number; tags: number; pull: number; notes: number; other: number };
  /** The measured repository has a commit-graph file (it should not: see commitGraphVariants). */
  commitGraph: boolean;
  /** The repository given had a commit-graph, so `root` is a local copy without one. */
  copiedWithoutCommitGraph: boolean;
  mainRef: string;
  services: Array<{ name: string; folder: string }>;
  deployments: Array<{ service: string; revision: string; commit: string; createdAt: string }>;
  document: DocumentSha[];
  /** A commit the CLI is asked about: on the main line, deployed by a later revision. */
  cliSha: string;
}

export interface DocumentSha {
  sha: string;
  /** As the document writes it: full, or abbreviated to 7-12 characters. */
  token: string;
  kind: 'deployed' | 'main' | 'side' | 'detached';
}

export interface ScenarioSizes {
  deployments: number;
  shas: number;
}

export const SCENARIO_SIZES: ScenarioSizes = { deployments: 102, shas: 1_000 };

interface ScenarioOptions {
  sizes: ScenarioSizes;
  /** Ref whose first-parent line holds the deployments; default: the branch HEAD is on. */
  mainRef?: string;
  /** Top-level folders of the three services; default: the folders most main-line commits touch. */
  serviceFolders?: string[];
  label?: string;
  copiedWithoutCommitGraph?: boolean;
}

const SEED = 12;
/** Share of the document's commits (after deployed and detached ones) taken from side branches. */
const SIDE_SHARE = 0.2;
const DETACHED_AT_MOST = 20;
/** Deployments are spread over this many of the newest main-line commits. */
const DEPLOYED_SPAN = 20_000;
/** Main-line commits whose changed files choose a real repository's services. */
const FOLDER_SAMPLE = 5_000;
const CACHE_VERSION = 2;

/** The scenario for `root`, computed once per state of its refs and kept in the bench cache. */
export async function benchScenario(root: string, options: ScenarioOptions, log: (line: string) => void): Promise<BenchScenario> {
  const top = await runGit(root, ['rev-parse', '--show-toplevel']).then(
    (t) => t.trim(),
    (error: Error) => {
      throw new Error(`${root} is not a git working tree (${error.message.split('\n').pop()}); give BENCH_REPO a non-bare clone, e.g. \`git clone https://github.com/git/git\`.`);
    },
  );
  if (!top) throw new Error(`${root} is a bare repository or a .git folder; give BENCH_REPO a non-bare clone (the product opens working trees).`);
  const refsListing = await runGit(top, ['for-each-ref', '--format=%(objectname) %(refname)']);
  const head = (await runGit(top, ['rev-parse', 'HEAD'])).trim();
  const key = createHash('sha256')
    .update(JSON.stringify([CACHE_VERSION, top, head, refsListing, options]))
    .digest('hex')
    .slice(0, 16);
  const dir = await cacheDir(`scenario-${key}`);
  const file = join(dir, 'scenario.json');
  const cached = await readFile(file, 'utf8')
    .then((t) => JSON.parse(t) as BenchScenario)
    .catch(() => null);
  if (cached?.key === key) return { ...cached, commitGraph: await hasCommitGraph(top) };
  log(`choosing services, deployments and the document's commits in ${options.label ?? basename(top)} (cached afterwards)`);
  const scenario = await computeScenario(top, key, head, refsListing, options);
  await writeFile(file, JSON.stringify(scenario));
  return scenario;
}

async function computeScenario(root: string, key: string, head: string, refsListing: string, options: ScenarioOptions): Promise<BenchScenario> {
  const random = seededRandom(SEED);
  const mainRef =
    options.mainRef ??
    (await runGit(root, ['symbolic-ref', '-q', 'HEAD']).then(
      (t) => t.trim(),
      () => '',
    ));
  if (!mainRef) throw new Error('HEAD is detached: set BENCH_MAIN_REF to the branch whose first-parent history was deployed (e.g. refs/heads/main).');

  const firstParent = (await runGit(root, ['log', '--first-parent', '--reverse', '--format=%H %ct', mainRef]))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, time] = line.split(' ');
      return { sha, time: Number(time) * 1000 };
    });
  if (firstParent.length < options.sizes.deployments + 2) {
    throw new Error(`${mainRef} has ${firstParent.length} first-parent commits; the bench deploys ${options.sizes.deployments} of them, so it needs a longer history.`);
  }
  const folders = options.serviceFolders ?? (await busiestFolders(root, mainRef));
  const services = folders.map((folder) => ({ name: serviceName(folder), folder }));

  // Deployed revisions: evenly spaced along the newest part of the main line, services in turn.
  const span = firstParent.slice(-Math.min(DEPLOYED_SPAN, firstParent.length));
  const step = span.length / options.sizes.deployments;
  const deployed = Array.from({ length: options.sizes.deployments }, (_, i) => span[Math.min(span.length - 1, Math.floor(i * step + step / 2))]);
  const lastDeploy = new Map<string, number>();
  const deployments = deployed.map((c, i) => {
    const service = services[i % services.length].name;
    const at = Math.max(c.time + (1 + Math.floor(random() * 20)) * 3_600_000, (lastDeploy.get(service) ?? 0) + 60_000);
    lastDeploy.set(service, at);
    const n = Math.floor(i / services.length) + 1;
    return { service, revision: `${service}-${String(n).padStart(5, '0')}`, commit: c.sha, createdAt: new Date(at).toISOString() };
  });
  // The CLI's commit: the main-line commit just after the middle deployment, so a later
  // revision contains it and the earlier ones do not.
  const middle = firstParent.findIndex((c) => c.sha === deployed[Math.floor(deployed.length / 2)].sha);
  const cliSha = firstParent[Math.min(firstParent.length - 1, middle + 1)].sha;

  const tips = refsListing
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[0]);
  const detached = (await runGit(root, ['rev-list', '--stdin'], ['HEAD', ...tips.map((t) => `^${t}`)].join('\n') + '\n')).split('\n').filter(Boolean);
  const onMain = (await runGit(root, ['rev-list', mainRef])).split('\n').filter(Boolean);
  const side = (await runGit(root, ['rev-list', '--exclude=refs/notes/*', '--all', `^${mainRef}`, ...(detached.length ? ['^HEAD'] : [])])).split('\n').filter(Boolean);

  const chosen = new Map<string, DocumentSha['kind']>();
  for (const d of deployments) chosen.set(d.commit, 'deployed');
  for (const sha of sample(detached, Math.min(DETACHED_AT_MOST, detached.length), random)) chosen.set(sha, 'detached');
  const rest = options.sizes.shas - chosen.size;
  for (const sha of sample(side, Math.min(side.length, Math.round(rest * SIDE_SHARE)), random)) if (!chosen.has(sha)) chosen.set(sha, 'side');
  const mainPool = onMain.filter((sha) => !chosen.has(sha));
  for (const sha of sample(mainPool, options.sizes.shas - chosen.size, random)) chosen.set(sha, 'main');
  const document = await unambiguous(
    root,
    sample([...chosen.entries()], chosen.size, random).map(([sha, kind]) => ({
      sha,
      kind,
      token: random() < 0.4 ? sha : abbreviate(sha, 7 + Math.floor(random() * 6)),
    })),
  );

  const refNames = refsListing
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf(' ') + 1));
  const count = (prefix: string) => refNames.filter((r) => r.startsWith(prefix)).length;
  const refs = { total: refNames.length, heads: count('refs/heads/'), tags: count('refs/tags/'), pull: count('refs/pull/'), notes: count('refs/notes/'), other: 0 };
  refs.other = refs.total - refs.heads - refs.tags - refs.pull - refs.notes;
  const commits = Number((await runGit(root, ['rev-list', '--all', '--count'])).trim());
  const merges = Number((await runGit(root, ['rev-list', '--all', '--merges', '--count'])).trim());
  return {
    label: options.label ?? `${basename(root)} @ ${head.slice(0, 7)}`,
    key,
    root,
    commits,
    merges,
    refs,
    commitGraph: await hasCommitGraph(root),
    copiedWithoutCommitGraph: options.copiedWithoutCommitGraph ?? false,
    mainRef,
    services,
    deployments,
    document,
    cliSha,
  };
}

/**
 * Abbreviations name one commit, as those git printed when they were copied did: one a
 * large history makes ambiguous is lengthened (two characters at a time) until it is not.
 */
async function unambiguous(root: string, document: DocumentSha[]): Promise<DocumentSha[]> {
  for (let round = 0; round < 10; round++) {
    const input = document.map((d) => `${d.token}^{commit}\n`).join('');
    const answers = (await runGit(root, ['cat-file', '--batch-check=%(objectname)'], input)).split('\n');
    const ambiguous = document.filter((d, i) => answers[i]?.trim() !== d.sha);
    if (ambiguous.length === 0) return document;
    for (const d of ambiguous) d.token = d.sha.slice(0, Math.min(40, d.token.length + 2));
  }
  throw new Error('some abbreviated SHAs of the document stay ambiguous at full length; is the repository intact?');
}

/** The three top-level folders the most recent main-line commits change most often. */
async function busiestFolders(root: string, mainRef: string): Promise<string[]> {
  const output = await runGit(root, ['log', '--first-parent', `-n${FOLDER_SAMPLE}`, '--diff-merges=first-parent', '--name-only', '--format=%x1e', mainRef]);
  const counts = new Map<string, number>();
  for (const commit of output.split('\x1e')) {
    const touched = new Set(
      commit
        .split('\n')
        .filter((path) => path.includes('/'))
        .map((path) => path.slice(0, path.indexOf('/'))),
    );
    for (const folder of touched) counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([folder]) => folder);
  if (ranked.length < 3) throw new Error(`the last ${FOLDER_SAMPLE} commits of ${mainRef} touch fewer than three top-level folders; the bench needs three services.`);
  return ranked.slice(0, 3);
}

function serviceName(folder: string): string {
  return (
    basename(folder)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-') || 'service'
  );
}

/**
 * A prefix of at least `length` characters holding a letter: the scanner rightly takes an
 * all-digit word for a number, so such an abbreviation would not count as a SHA on screen.
 */
export function abbreviate(sha: string, length: number): string {
  let end = length;
  while (end < sha.length && /^[0-9]+$/.test(sha.slice(0, end))) end++;
  return sha.slice(0, end);
}

export async function hasCommitGraph(root: string): Promise<boolean> {
  const objects = (await runGit(root, ['rev-parse', '--git-path', 'objects'])).trim();
  const dir = isAbsolute(objects) ? objects : resolve(root, objects);
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );
  return (await exists(join(dir, 'info', 'commit-graph'))) || (await exists(join(dir, 'info', 'commit-graphs')));
}
