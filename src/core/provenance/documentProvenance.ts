import { LRUCache } from 'lru-cache';
import type { Deployment } from '../deployments/types';
import { commitLinksOf, mergeThatBrought } from '../git/commitLinks';
import { GitRunner } from '../git/gitRunner';
import type { CommitLinks } from '../git/remoteLinks';
import type { HistoryCut } from '../git/historyCut';
import type { Resolution } from '../git/types';
import { rerunImpact, type RerunImpact } from '../rerun/rerunImpact';
import { modelByCommitQuery, runsQuery, type DateWindow } from '../warehouse/catalog';
import { runForView } from '../warehouse/checkedQuery';
import type { Row } from '../warehouse/types';
import type { Workspace } from '../workspace';
import { readCommitDetails, type CommitDetails } from './commitDetailsBatch';
import { assembleProvenance, NO_BUILD_COLUMN, type CommitProvenance, type DeploymentListing } from './commitProvenance';
import { RefreshingCache } from './refreshingCache';
import { loadSnapshot, readRefs, type RefsState, type RepositorySnapshot } from './repositorySnapshot';
import { DeployedAncestry, nameCommits } from './deployedAncestry';
import { earlyProvenance } from './earlyProvenance';
import type { RevListReader } from '../git/revListReader';
import type { CommitGraph } from '../git/ancestry';
import { SnapshotStore } from './snapshotStore';
import { toRunRecord, type RunRecord } from './runSessions';
import { raceAbort, throwIfAborted, TrackedLoad, waitFor } from './trackedLoad';

export interface ProvenanceServiceOptions {
  /** How long the refs are trusted before one `git rev-parse` checks them (ms). */
  refsRecheckMs?: number;
  /** How long deployments, runs and results are served before they are read again (ms). */
  dataTtlMs?: number;
  /** How long a failure is remembered before the next attempt (ms). */
  failureTtlMs?: number;
  /** A warehouse or deployment read taking longer than this is abandoned (ms). */
  loadTimeoutMs?: number;
  /** Commits whose details (subject, author, files) are kept. */
  maxCommits?: number;
  /** Assembled provenances kept. */
  maxProvenances?: number;
  /** The git executable (a machine setting such as VS Code's git.path). */
  gitBinary?: string;
  /** Shared with other runners when a caller counts git processes across several services. */
  gitCounter?: { started: number };
  /**
   * A folder of the editor's own where the commit graph is kept between sessions (never
   * inside the repository); none: the graph is walked afresh by each new service.
   */
  storageFolder?: string;
  /** Told when the graph could not be kept in the storage folder (lenses work regardless). */
  onStorageProblem?: (message: string) => void;
  now?: () => number;
}

export interface ProvenanceOptions {
  signal?: AbortSignal;
  /** How long to wait for the warehouse's parts (window, runs, results), from the call; null: until they settle. */
  waitMs: number | null;
  /** How long to wait for the deployments, from the call; absent: `waitMs`. */
  deploymentsWaitMs?: number | null;
  /** Other commits whose details to read in the same git process. */
  batch?: string[];
  /** Answer from the deployed revisions' history while the graph of every ref is walked. */
  early?: boolean;
}

/** What a part of the answer is doing: its value is in the provenance when `ready`. */
export type PartState =
  | { state: 'ready' }
  | { state: 'loading' }
  | { state: 'failed'; error: string }
  /** `notConfigured`: the config key whose absence leaves the part out, when that is why. */
  | { state: 'absent'; reason: string; notConfigured?: string };

export interface ProvenanceView {
  /** Keyed by full SHA; SHAs that are not commits of the repository are absent. */
  commits: Map<string, CommitProvenance>;
  deployments: PartState;
  runs: PartState;
  results: PartState;
  window: DateWindow | null;
  /** Each asked commit's page on the remote and the pull request that merged it; empty without a remote of a known host. */
  links: Map<string, CommitLinks>;
  /** What the answers were assembled from: while `settledKey()` returns the same key, they stand. */
  key: string;
  /**
   * Asked commits left out of an answer given before the graph of every ref was read: they
   * are not known to be reachable from a ref yet, or a deployed revision's commit is not
   * decided. Absent on answers from that graph.
   */
  awaitingHistory?: Set<string>;
}

/** The runs a document's commits are checked against, and what could not be read of them. */
interface RunPart {
  records: RunRecord[];
  notChecked: string[];
  /** False when the query could not run at all: no records means "not known". */
  answered: boolean;
}

/** Results by build over the window they were computed for, and what could not be read of them. */
interface ResultPart {
  window: DateWindow;
  rows: Row[];
  notChecked: string[];
  /** False when no row could be tied to a build: no rows means "not known". */
  answered: boolean;
}

/** What re-runs of a range of game dates replaced, as far as it has been read. */
export type RerunState = { state: 'ready'; impact: RerunImpact } | { state: 'loading' } | { state: 'failed'; error: string };

/** The key of a range of game dates in `reruns`' answer. */
export const rangeKey = (window: DateWindow): string => `${window.from}..${window.to}`;

export type ProvenanceChange = 'refs' | 'deployments' | 'runs' | 'results';

/** A step of the first load and when it ended (epoch ms); `ms`: the work's own time, for a step that is work rather than a wait. */
export interface StartupStep {
  step: string;
  at: number;
  ms?: number;
}

const MAX_STARTUP_STEPS = 16;

const DEFAULTS = {
  refsRecheckMs: 60_000,
  dataTtlMs: 5 * 60_000,
  failureTtlMs: 10_000,
  loadTimeoutMs: 120_000,
  maxCommits: 20_000,
  maxProvenances: 5_000,
};

/**
 * Provenance for documents, at a cost that does not grow with the number of SHAs they hold.
 *
 * Per state of the refs (checked at most once a minute, or when told they moved): one
 * `rev-parse` and one `rev-list` build a commit graph that resolves every hex token and
 * answers every ancestry question in memory. While the first graph is walked, lenses are
 * answered from the deployed revisions' history alone (`earlyProvenance`), never with an
 * answer that graph would not give. Per document: one `git log --no-walk` for the
 * details of the commits not seen before. Per date window: one runs query and one results
 * query, shared by every document, kept for a few minutes and refreshed in the background.
 * Failures are remembered briefly; callers can stop waiting (AbortSignal) without stopping
 * work that other callers share, and can bound how long they wait for the warehouse.
 */
export class ProvenanceService {
  private readonly options: Required<Omit<ProvenanceServiceOptions, 'gitBinary' | 'gitCounter' | 'storageFolder' | 'onStorageProblem'>>;
  private readonly runner: GitRunner;
  private readonly store: SnapshotStore | null;
  private readonly onStorageProblem: ((message: string) => void) | undefined;
  /**
   * The ancestor sets of the builds the answers under a data key ask about, computed (or being
   * computed) once per key; the next key's computation starts when this one's ends, and
   * computes only the builds it adds.
   */
  private prepared: { key: string; done: Promise<void> } | null = null;
  /** Each commit's links as `provenance` made them, by graph and SHA, for `peek`. */
  private readonly linkMemo = new Map<string, CommitLinks>();
  private snapshotLoad: TrackedLoad<RepositorySnapshot> | null = null;
  /** While the first graph is walked: the refs it walks from, the walk as it goes, and the deployed revisions' own history. */
  private coldRefs: Promise<RefsState> | null = null;
  /** Settles true when the first graph is walked whole, false when it was read from the store (quick: nothing to answer early). */
  private coldWalk: Promise<boolean> = Promise.resolve(false);
  private wholeWalk: RevListReader | null = null;
  private deployedHistory: { deploymentsId: number; load: TrackedLoad<DeployedAncestry> } | null = null;
  /** Answers were given before the graph was read: when it is, they are asked for again. */
  private servedEarly = false;
  private snapshotCheckedAt = 0;
  private snapshotFailedAt = 0;
  private refsCheck: Promise<void> | null = null;
  private readonly details: LRUCache<string, TrackedLoad<CommitDetails | null>>;
  private readonly deploymentLoads: RefreshingCache<Map<string, DeploymentListing>>;
  private readonly windowLoads: RefreshingCache<DateWindow>;
  private readonly runLoads: RefreshingCache<RunPart>;
  private readonly resultLoads: RefreshingCache<ResultPart>;
  private readonly rerunLoads: RefreshingCache<RerunImpact>;
  private readonly assembled: LRUCache<string, CommitProvenance>;
  private readonly listeners = new Set<(change: ProvenanceChange) => void>();
  /** When each step of the first load ended: where a new session's first lens spends its time. */
  private readonly startup: StartupStep[] = [];

  constructor(
    private readonly workspace: Workspace,
    options: ProvenanceServiceOptions = {},
  ) {
    const { gitBinary, gitCounter, storageFolder, onStorageProblem, ...rest } = options;
    this.options = { ...DEFAULTS, now: Date.now, ...stripUndefined(rest) };
    this.runner = new GitRunner(workspace.config.repository, gitBinary ? { binary: gitBinary } : {}, gitCounter);
    const refusal = storageFolder ? SnapshotStore.refusal(storageFolder, workspace.config.repository) : null;
    if (refusal) onStorageProblem?.(refusal);
    this.store = storageFolder && !refusal ? new SnapshotStore(storageFolder, workspace.config.repository) : null;
    this.onStorageProblem = onStorageProblem;
    const o = this.options;
    this.details = new LRUCache({ max: o.maxCommits });
    const data = { max: 8, ttlMs: o.dataTtlMs, failureTtlMs: o.failureTtlMs };
    this.deploymentLoads = new RefreshingCache(data, () => this.emit('deployments'));
    this.windowLoads = new RefreshingCache(data);
    this.runLoads = new RefreshingCache(data, () => this.emit('runs'));
    this.resultLoads = new RefreshingCache(data, () => this.emit('results'));
    this.rerunLoads = new RefreshingCache(data);
    this.assembled = new LRUCache({ max: o.maxProvenances });
  }

  /** git processes started for documents (the engine's own GitRepository counts its own); includes others sharing `gitCounter`. */
  get gitProcessCount(): number {
    return this.runner.processCount;
  }

  onDidChange(listener: (change: ProvenanceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts what every document needs (commit graph, deployments, runs, results) without waiting for it. */
  warm(): Promise<void> {
    const snapshotLoad = this.snapshot();
    const snapshot = snapshotLoad.promise.then(() => undefined);
    const deployments = this.deployments();
    this.runs();
    this.results();
    // Every lens asks about the deployed revisions: their ancestor sets are computed as soon as
    // the graph and the deployments are in, while the editor asks for the lenses.
    Promise.all([snapshotLoad.promise, deployments.promise]).then(() => this.prepareCurrent(), nothing);
    return snapshot.catch(() => undefined);
  }

  /**
   * When each step of the service's first load ended (epoch ms, as `performance.timeOrigin +
   * performance.now()`), each step once: the refs, the commit graph (and whether it was read
   * from the storage folder or walked), the deployments, the results, the first tokens
   * resolved, the first commit details, the ancestor sets (with how long computing them
   * took) and the first answer.
   */
  startupSteps(): readonly StartupStep[] {
    return this.startup;
  }

  private mark(step: string, ms?: number): void {
    if (this.startup.length >= MAX_STARTUP_STEPS || this.startup.some((s) => s.step === step)) return;
    this.startup.push({ step, at: performance.timeOrigin + performance.now(), ...(ms === undefined ? {} : { ms }) });
  }

  /** The refs may have moved (a commit, a checkout, a fetch): check them on next use. */
  refsChanged(): void {
    this.snapshotCheckedAt = 0;
  }

  /**
   * Full SHA of each token that names exactly one commit of the repository; tokens that
   * name none, or several, are left out. In memory, once the graph is loaded.
   */
  async resolveShas(tokens: string[], signal?: AbortSignal, options: { early?: boolean } = {}): Promise<Map<string, string>> {
    const load = this.snapshot();
    const refs = this.coldRefs;
    if (options.early && load.state === 'loading' && refs) {
      const early = await raceAbort(Promise.race([load.promise.then(nothing, nothing), this.earlyNames(refs, this.coldWalk, tokens).catch(nothing)]), signal);
      if (early) return early;
    }
    const snapshot = await raceAbort(load.promise, signal);
    const result = new Map<string, string>();
    for (const token of tokens) {
      const full = snapshot.graph.full(token);
      if (full) result.set(token, full);
    }
    this.mark('tokens resolved');
    return result;
  }

  /**
   * Tokens named by the object database (one `cat-file --batch-check`), for a document opened
   * while the graph is walked: a commit named may yet prove unreachable from every ref (its
   * lens then says it is loading until the graph drops it); an abbreviation several commits
   * share waits for the graph. Null in a shallow clone, where the graph is waited for.
   */
  private async earlyNames(refs: Promise<RefsState>, walk: Promise<boolean>, tokens: string[]): Promise<Map<string, string> | null> {
    if ((await refs).shallow || !(await walk)) return null;
    const named = await nameCommits(this.runner, tokens);
    const result = new Map<string, string>();
    for (const token of tokens) {
      const name = named.get(token.toLowerCase());
      if (name?.kind === 'commit') result.set(token, name.sha);
    }
    this.servedEarly = true;
    return result;
  }

  /**
   * Starts reading the details of the commits not read yet (full SHAs) in one git process,
   * in the order given: each commit's details are ready as soon as git has printed them.
   */
  readDetails(shas: string[]): void {
    const missing: string[] = [];
    for (const sha of new Set(shas.map((s) => s.toLowerCase()))) if (this.details.get(sha) === undefined) missing.push(sha);
    if (missing.length === 0) return;
    const settle = new Map<string, { resolve: (value: CommitDetails | null) => void; reject: (error: unknown) => void }>();
    for (const sha of missing) {
      const one = new TrackedLoad(() => new Promise<CommitDetails | null>((resolve, reject) => settle.set(sha, { resolve, reject })));
      this.details.set(sha, one);
      one.promise.catch(() => {
        if (this.details.get(sha) === one) this.details.set(sha, one, { ttl: this.options.failureTtlMs });
      });
    }
    readCommitDetails(this.runner, missing, (sha, details) => {
      settle.get(sha)?.resolve(details);
      settle.delete(sha);
    }).then(
      // What git did not print is not a commit it has.
      () => settle.forEach(({ resolve }) => resolve(null)),
      (error: unknown) => settle.forEach(({ reject }) => reject(error)),
    );
  }

  /** Details of commits (full SHAs), the ones not seen before read in one git process. */
  async commitDetails(shas: string[], signal?: AbortSignal): Promise<Map<string, CommitDetails>> {
    this.readDetails(shas);
    const loads = [...new Set(shas.map((s) => s.toLowerCase()))].map((sha) => [sha, this.details.get(sha)!] as const);
    await raceAbort(Promise.all(loads.map(([, load]) => load.promise)), signal);
    const result = new Map<string, CommitDetails>();
    for (const [sha, load] of loads) if (load.value) result.set(sha, load.value);
    return result;
  }

  /**
   * Details of a document's commits and of the merge commits that brought them in (their
   * messages name the pull requests linked to), in one git process: what a document needs
   * before any of its lenses is resolved.
   */
  async documentDetails(shas: string[], signal?: AbortSignal): Promise<{ details: Map<string, CommitDetails>; merges: Map<string, string | null> }> {
    const load = this.snapshot();
    // The document's commits need no graph: read while it is walked, the merges after.
    if (load.state === 'loading') this.readDetails(shas);
    const snapshot = await raceAbort(load.promise, signal);
    const merges = mergesOf(snapshot, shas);
    const details = await this.commitDetails([...shas, ...[...merges.values()].filter((m): m is string => m !== null)], signal);
    return { details, merges };
  }

  /**
   * Provenance of commits (full SHAs). git parts are awaited; the warehouse's parts (window,
   * runs, results) are awaited at most `waitMs` and deployments at most `deploymentsWaitMs`
   * (default `waitMs`; null: until they settle), both counted from the call, and the view
   * says which of them are still loading or failed, so a hover can answer within its budget.
   * `batch` names other commits whose details to read in the same git process (the rest of
   * the document).
   */
  async provenance(shas: string[], options: ProvenanceOptions): Promise<ProvenanceView> {
    const { signal } = options;
    const started = this.options.now();
    const snapshotLoad = this.snapshot();
    // The warehouse and deployment loads need nothing from git: started first, they run while
    // the commit graph is read, so a cold document waits for the slower of the two, not both.
    const deployments = this.deployments();
    const window = this.window();
    const runs = this.runs();
    const results = this.results();
    const refs = this.coldRefs;
    if (options.early && snapshotLoad.state === 'loading' && refs) {
      const loads = { snapshotLoad, deployments, window, runs, results };
      const early = await raceAbort(
        Promise.race([snapshotLoad.promise.then(nothing, nothing), this.earlyView(refs, this.coldWalk, shas, options, started, loads).catch(nothing)]),
        signal,
      );
      if (early) return early;
    }
    const snapshot = await raceAbort(snapshotLoad.promise, signal);
    // Details of the whole document's commits are read together, so the lenses of a document
    // resolved one by one still cost one git process; each waits only for its own commits.
    // The merge commits that brought them in (found in memory) ride along: their messages
    // name the pull requests linked to.
    const asked = [...new Set(shas.map((s) => s.toLowerCase()))];
    const merges = mergesOf(snapshot, asked);
    const needed = [...asked, ...[...merges.values()].filter((m): m is string => m !== null)];
    if (options.batch && needed.some((sha) => this.details.get(sha) === undefined)) {
      const rest = mergesOf(snapshot, options.batch);
      this.readDetails([...needed, ...options.batch, ...[...rest.values()].filter((m): m is string => m !== null)]);
    }
    const details = await this.commitDetails(needed, signal);
    this.mark('first commit details');
    await this.waitForData({ deployments, window, runs, results }, started, options);

    const { key, parts } = this.dataKey(snapshotLoad, deployments, window, runs, results);
    const windowValue = parts.window;
    const deploymentLists = deployments.value ?? this.placeholderDeployments(deployments);
    const runRecords = runs?.value?.records ?? [];
    const metricRows = results.value?.rows ?? [];
    const notChecked = [...(runs?.value?.notChecked ?? []), ...(results.value?.notChecked ?? [])];
    await raceAbort(this.prepareFor(snapshot.graph, key, deploymentLists, runRecords, metricRows), signal);
    const commits = new Map<string, CommitProvenance>();
    for (const sha of asked) {
      const detail = details.get(sha);
      if (!detail) continue;
      const memo = `${sha}:${key}`;
      let provenance = this.assembled.get(memo);
      if (!provenance) {
        const resolution: Resolution = { status: 'found', commit: detail.commit };
        [provenance] = assembleProvenance({
          queries: [sha],
          resolutions: new Map([[sha, resolution]]),
          window: windowValue ?? { from: '', to: '' },
          files: new Map([[detail.commit.sha, detail.files]]),
          services: this.workspace.config.services,
          deployments: deploymentLists,
          runs: runRecords,
          logService: this.workspace.config.tables.executionLog?.service ?? null,
          metricRows,
          lookup: snapshot.graph,
          ancestry: snapshot.cut,
          now: new Date(this.options.now()).toISOString(),
          notChecked,
        });
        this.assembled.set(memo, provenance);
      }
      commits.set(sha, provenance);
    }
    const links = new Map<string, CommitLinks>();
    if (snapshot.refs.remote) {
      for (const sha of commits.keys()) {
        const merge = merges.get(sha) ?? null;
        const link = commitLinksOf(snapshot.refs.remote, sha, details.get(sha)?.message ?? null, merge ? { sha: merge, message: details.get(merge)?.message ?? null } : null);
        links.set(sha, link);
        if (this.linkMemo.size >= this.options.maxCommits) this.linkMemo.clear();
        this.linkMemo.set(`${snapshotLoad.id}:${sha}`, link);
      }
    }
    this.mark('first answer');
    return { commits, ...parts, links, key };
  }

  /** The ancestor sets for the answers under the current data key, when the graph is in. */
  private prepareCurrent(): Promise<void> | null {
    const snapshotLoad = this.snapshot();
    if (snapshotLoad.state !== 'ready' || !snapshotLoad.value) return null;
    const deployments = this.deployments();
    const window = this.window();
    const runs = this.runs();
    const results = this.results();
    const { key } = this.dataKey(snapshotLoad, deployments, window, runs, results);
    const lists = deployments.value ?? this.placeholderDeployments(deployments);
    return this.prepareFor(snapshotLoad.value.graph, key, lists, runs?.value?.records ?? [], results.value?.rows ?? []);
  }

  /**
   * The ancestor sets of every build the answers under `key` ask about, computed once per key
   * in slices: the warehouse's replies and other requests are handled between them.
   */
  private prepareFor(graph: CommitGraph, key: string, deployments: Map<string, DeploymentListing>, runs: RunRecord[], rows: Row[]): Promise<void> {
    if (this.prepared?.key === key) return this.prepared.done;
    const previous = this.prepared?.done ?? Promise.resolve();
    const computing = previous.then(async () => {
      let work = 0;
      let started = performance.now();
      const computed = await graph.prepareInSlices(buildsOf(graph, deployments, runs, rows), async () => {
        work += performance.now() - started;
        await new Promise((resolve) => setImmediate(resolve));
        started = performance.now();
      });
      work += performance.now() - started;
      if (computed) this.mark(`ancestor sets of ${computed} builds`, work);
    });
    // Never a failure to wait on: a revision without a set is answered by a walk of its own.
    const done = computing.catch(() => undefined);
    this.prepared = { key, done };
    return done;
  }

  /**
   * Waits for the deployments and the warehouse's parts, each within its own budget counted
   * from `started`: a lens can show the deployments as soon as they are in, and say the
   * results are loading, rather than hold both back for the slower warehouse.
   */
  private async waitForData(
    loads: { deployments: TrackedLoad<unknown>; window: TrackedLoad<unknown>; runs: TrackedLoad<unknown> | null; results: TrackedLoad<unknown> },
    started: number,
    options: ProvenanceOptions,
  ): Promise<void> {
    const left = (ms: number | null) => (ms === null ? null : Math.max(0, ms - (this.options.now() - started)));
    const deploymentsWaitMs = options.deploymentsWaitMs === undefined ? options.waitMs : options.deploymentsWaitMs;
    const warehouse = [loads.window.promise, loads.runs?.promise ?? Promise.resolve(), loads.results.promise];
    await Promise.all([waitFor([loads.deployments.promise], left(deploymentsWaitMs), options.signal), waitFor(warehouse, left(options.waitMs), options.signal)]);
    throwIfAborted(options.signal);
  }

  /**
   * An answer from the deployed revisions' history while the graph of every ref is walked
   * (see `earlyProvenance`); null when there is none to give (a shallow clone).
   */
  private async earlyView(
    refs: Promise<RefsState>,
    walk: Promise<boolean>,
    shas: string[],
    options: ProvenanceOptions,
    started: number,
    loads: {
      snapshotLoad: TrackedLoad<RepositorySnapshot>;
      deployments: TrackedLoad<Map<string, DeploymentListing>>;
      window: TrackedLoad<DateWindow>;
      runs: TrackedLoad<RunPart> | null;
      results: TrackedLoad<ResultPart>;
    },
  ): Promise<ProvenanceView | null> {
    const { signal } = options;
    if ((await refs).shallow || !(await walk)) return null;
    const { snapshotLoad, deployments, window, runs, results } = loads;
    const asked = [...new Set(shas.map((s) => s.toLowerCase()))];
    const history = this.deployedAncestry(deployments);
    if (options.batch) this.readDetails([...asked, ...options.batch]);
    const details = await this.commitDetails(asked, signal);
    const ancestry = await raceAbort(history.promise, signal);
    await this.waitForData({ deployments, window, runs, results }, started, options);
    const { key, parts } = this.dataKey(snapshotLoad, deployments, window, runs, results);
    const answers = earlyProvenance({
      asked,
      details,
      ancestry,
      window: parts.window ?? { from: '', to: '' },
      services: this.workspace.config.services,
      deployments: deployments.value ?? this.placeholderDeployments(deployments),
      runs: runs?.value?.records ?? [],
      logService: this.workspace.config.tables.executionLog?.service ?? null,
      metricRows: results.value?.rows ?? [],
      now: new Date(this.options.now()).toISOString(),
      notChecked: [...(runs?.value?.notChecked ?? []), ...(results.value?.notChecked ?? [])],
    });
    this.servedEarly = true;
    return {
      commits: answers.commits,
      ...parts,
      runs: answers.runsAwaiting && parts.runs.state === 'ready' ? { state: 'loading' } : parts.runs,
      results: answers.resultsAwaiting && parts.results.state === 'ready' ? { state: 'loading' } : parts.results,
      links: new Map(),
      key: `early:${history.id}:${key}`,
      awaitingHistory: answers.awaiting,
    };
  }

  /** The deployed revisions' history for the deployments as loaded: built once per load, while the graph of every ref is walked. */
  private deployedAncestry(deployments: TrackedLoad<Map<string, DeploymentListing>>): TrackedLoad<DeployedAncestry> {
    if (this.deployedHistory?.deploymentsId !== deployments.id) {
      const load = new TrackedLoad(async () => {
        const lists = await deployments.promise;
        const values = [...lists.values()].flatMap((l) => ('list' in l ? l.list.map((d) => d.commit) : [])).filter((v): v is string => !!v);
        return DeployedAncestry.build(this.runner, values, () => this.wholeWalk);
      });
      load.promise.catch(nothing);
      this.deployedHistory = { deploymentsId: deployments.id, load };
    }
    return this.deployedHistory.load;
  }

  /**
   * What re-runs of each range of game dates replaced (rows superseded, regenerated, deleted,
   * the hit rate on the same keys), awaited at most `waitMs`. Not read at startup: only a
   * hover on a commit with runs in its gap asks, one query per range, kept and shared like
   * the runs and results, so hovering again costs nothing.
   */
  async reruns(windows: DateWindow[], options: { signal?: AbortSignal; waitMs: number }): Promise<Map<string, RerunState>> {
    const loads = new Map(windows.map((w) => [rangeKey(w), this.rerunLoad(w)] as const));
    await waitFor(
      [...loads.values()].map((l) => l.promise),
      options.waitMs,
      options.signal,
    );
    throwIfAborted(options.signal);
    const states = new Map<string, RerunState>();
    for (const [key, load] of loads) {
      if (load.state === 'ready' && load.value) states.set(key, { state: 'ready', impact: load.value });
      else if (load.state === 'failed') states.set(key, { state: 'failed', error: load.error ?? 'failed' });
      else states.set(key, { state: 'loading' });
    }
    return states;
  }

  private rerunLoad(window: DateWindow): TrackedLoad<RerunImpact> {
    return this.rerunLoads.get(rangeKey(window), async () => {
      // Builds resolve against the commit graph in memory: a hover's figures start no git process.
      const { graph } = await this.snapshot().promise;
      return this.query((signal) => rerunImpact(this.workspace, { window, changes: 0, fullSha: (value) => graph.full(value), signal }));
    });
  }

  /**
   * The provenance of one commit (full SHA, lower case) when everything it depends on is in
   * memory and settled, without waiting or starting anything but refreshes that are due;
   * null when `provenance` has work to do. A document asked again (scrolling, a lens
   * refresh) is answered from here.
   */
  peek(sha: string): ProvenanceView | null {
    const settled = this.settled();
    if (!settled) return null;
    if (this.details.get(sha)?.state !== 'ready') return null;
    const { key, parts, snapshotLoad } = settled;
    const provenance = this.assembled.get(`${sha}:${key}`);
    if (!provenance) return null;
    const links = new Map<string, CommitLinks>();
    if (snapshotLoad.value?.refs.remote) {
      const link = this.linkMemo.get(`${snapshotLoad.id}:${sha}`);
      if (!link) return null;
      links.set(sha, link);
    }
    return { commits: new Map([[sha, provenance]]), ...parts, links, key };
  }

  /**
   * The key answers are assembled under now, when the graph and every data part have
   * settled (a failure settles too); null while any is loading. It starts the refreshes that
   * are due, as `peek` does, so a caller that keeps its own answers by this key sees them
   * go stale when the refs or the data move.
   */
  settledKey(): string | null {
    return this.settled()?.key ?? null;
  }

  /** Distinct per commit graph: what a token resolves to stands while it is the same. Null while the graph loads. */
  graphId(): number | null {
    const load = this.snapshot();
    return load.state === 'ready' ? load.id : null;
  }

  private settled(): { key: string; parts: Omit<ProvenanceView, 'commits' | 'links' | 'key'>; snapshotLoad: TrackedLoad<RepositorySnapshot> } | null {
    const snapshotLoad = this.snapshot();
    if (snapshotLoad.state !== 'ready') return null;
    const deployments = this.deployments();
    const window = this.window();
    const runs = this.runs();
    const results = this.results();
    if (deployments.state === 'loading' || window.state === 'loading' || runs?.state === 'loading' || results.state === 'loading') return null;
    return { ...this.dataKey(snapshotLoad, deployments, window, runs, results), snapshotLoad };
  }

  /** What an assembled provenance depends on, as a memo key, and the states of its parts. */
  private dataKey(
    snapshotLoad: TrackedLoad<RepositorySnapshot>,
    deployments: TrackedLoad<unknown>,
    window: TrackedLoad<DateWindow>,
    runs: TrackedLoad<RunPart> | null,
    results: TrackedLoad<ResultPart>,
  ): { key: string; parts: Omit<ProvenanceView, 'commits' | 'links' | 'key'> } {
    const key = [
      snapshotLoad.id,
      deployments.state === 'ready' ? deployments.id : deployments.state,
      runs ? (runs.state === 'ready' ? runs.id : runs.state) : 'none',
      results.state === 'ready' ? results.id : results.state,
    ].join(':');
    // The window the results were computed over, when they are in; it moves with the date.
    const windowValue = results.value?.window ?? window.value ?? null;
    return {
      key,
      parts: {
        deployments: partState(deployments),
        runs: runs ? answeredState(runs) : { state: 'absent', reason: 'no tables.executionLog in pipeline-lens.json', notConfigured: 'tables.executionLog' },
        results: windowValue === null && window.state === 'failed' ? partState(window) : answeredState(results),
        window: windowValue,
      },
    };
  }

  /** Each service's deployments (or why they could not be read), as lenses use them. */
  deploymentListings(signal?: AbortSignal): Promise<Map<string, DeploymentListing>> {
    return raceAbort(this.deployments().promise, signal);
  }

  /** Whether the clone is shallow and where its history stops, as the current commit graph was read. */
  async historyCut(signal?: AbortSignal): Promise<HistoryCut> {
    return (await raceAbort(this.snapshot().promise, signal)).cut;
  }

  /** The lookup behind every SHA the service resolves: prefix → full SHA, for commits reachable from a ref or HEAD. */
  async shaLookup(signal?: AbortSignal): Promise<CommitGraph> {
    return (await raceAbort(this.snapshot().promise, signal)).graph;
  }

  /** What the caches hold, for a status view. */
  status(): {
    snapshot: 'none' | 'loading' | 'ready' | 'failed';
    deployments: 'none' | 'loading' | 'ready' | 'failed';
    runs: 'none' | 'loading' | 'ready' | 'failed';
    results: 'none' | 'loading' | 'ready' | 'failed';
    commitsIndexed: number;
    commitDetails: number;
    provenances: number;
  } {
    return {
      snapshot: this.snapshotLoad?.state ?? 'none',
      deployments: this.deploymentLoads.peek('all')?.state ?? 'none',
      runs: this.runLoads.peek('default')?.state ?? 'none',
      results: this.resultLoads.peek('default')?.state ?? 'none',
      commitsIndexed: this.snapshotLoad?.value?.graph.size ?? 0,
      commitDetails: this.details.size,
      provenances: this.assembled.size,
    };
  }

  private emit(change: ProvenanceChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /**
   * The commit graph for the current refs. A loaded graph is served as is; when it is older
   * than the recheck interval, one `rev-parse` runs in the background and a new graph is
   * built only if a ref moved. A failed load is retried after the failure TTL.
   */
  private snapshot(): TrackedLoad<RepositorySnapshot> {
    const now = this.options.now();
    const current = this.snapshotLoad;
    if (!current || (current.state === 'failed' && now - this.snapshotFailedAt >= this.options.failureTtlMs)) {
      const refs = readRefs(this.runner);
      refs.then(() => this.mark('refs read'), nothing);
      let walking: (whole: boolean) => void = () => undefined;
      this.coldWalk = new Promise<boolean>((resolve) => {
        walking = resolve;
      });
      const load = new TrackedLoad(async () =>
        loadSnapshot(this.runner, await refs, {
          ...this.snapshotSources(null),
          watchWalk: (reader) => {
            this.wholeWalk = reader;
            walking(true);
          },
        }),
      );
      this.snapshotLoad = load;
      this.coldRefs = refs;
      this.snapshotCheckedAt = now;
      const settled = () => {
        walking(false);
        this.coldRefs = null;
        this.wholeWalk = null;
        this.deployedHistory = null;
      };
      load.promise.then(
        (snapshot) => {
          this.mark(`commit graph ${snapshot.origin === 'stored' ? 'read from the storage folder' : snapshot.origin}`);
          settled();
          // Lenses answered before the graph (their lists from the object database, "commits behind" left out) are asked for again.
          if (this.servedEarly) {
            this.servedEarly = false;
            this.emit('refs');
          }
        },
        () => {
          settled();
          this.snapshotFailedAt = this.options.now();
        },
      );
      return load;
    }
    if (current.state === 'ready' && now - this.snapshotCheckedAt >= this.options.refsRecheckMs && !this.refsCheck) {
      this.snapshotCheckedAt = now;
      this.refsCheck = this.recheckRefs(current.value!).finally(() => {
        this.refsCheck = null;
      });
    }
    return current;
  }

  private async recheckRefs(current: RepositorySnapshot): Promise<void> {
    try {
      const refs = await readRefs(this.runner);
      if (refs.signature === current.refs.signature && refs.shallow === current.refs.shallow) return;
      const next = new TrackedLoad(() => loadSnapshot(this.runner, refs, this.snapshotSources(current)));
      await next.promise;
      this.snapshotLoad = next;
      this.emit('refs');
    } catch {
      // Keep serving the graph we have; the next recheck tries again.
    }
  }

  private snapshotSources(previous: RepositorySnapshot | null) {
    return { previous, store: this.store, onStoreProblem: this.onStorageProblem, onCommitGraphProblem: this.onStorageProblem, now: this.options.now() };
  }

  private deployments(): TrackedLoad<Map<string, DeploymentListing>> {
    return this.deploymentLoads.get('all', async () => {
      const lists = new Map<string, DeploymentListing>();
      await Promise.all(
        this.workspace.config.services.map(async (service) => {
          try {
            const list: Deployment[] = await withTimeout(
              this.workspace.deploymentSource(service).list(service.name),
              this.options.loadTimeoutMs,
              `the deployments of ${service.name}`,
            );
            lists.set(service.name, { list });
          } catch (error) {
            lists.set(service.name, { error: (error as Error).message });
          }
        }),
      );
      this.mark('deployments read');
      return lists;
    });
  }

  private window(): TrackedLoad<DateWindow> {
    return this.windowLoads.get('default', () => this.workspace.defaultWindow());
  }

  /*
   * Runs and results are keyed by nothing but themselves and read the window when they
   * load: a window recomputed every few minutes must not make them look cold (and show
   * "loading") when the refresh would serve the previous answer meanwhile.
   */
  /*
   * Both read through runForView: a column the config names but the table lacks costs a
   * note naming the setting, not the part (the same wording as the tree and `commit`).
   * When the settings are right that is still the one query each.
   */
  private runs(): TrackedLoad<RunPart> | null {
    const config = this.workspace.config;
    if (!config.tables.executionLog) return null;
    return this.runLoads.get('default', async () => {
      const range = await this.window().promise;
      const to = new Date(this.options.now()).toISOString();
      const probed = { from: range.from, to: to.slice(0, 10) };
      const part = await this.query((signal) =>
        this.workspace.warehouse().then((w) => runForView(w, config, (c) => runsQuery(c, `${range.from}T00:00:00Z`, to), probed, 'runs in the gap', signal)),
      );
      return { records: part.rows.map(toRunRecord), notChecked: part.notChecked, answered: part.answered };
    });
  }

  private results(): TrackedLoad<ResultPart> {
    return this.resultLoads.get('default', async () => {
      const range = await this.window().promise;
      const part = await this.query((signal) =>
        this.workspace.warehouse().then((w) => runForView(w, this.workspace.config, (c) => modelByCommitQuery(c, { window: range }), range, 'results by build', signal)),
      );
      this.mark('results read');
      if (!this.workspace.config.tables.predictions.columns.commit) return { window: range, rows: part.rows, notChecked: [...part.notChecked, NO_BUILD_COLUMN], answered: false };
      return { window: range, rows: part.rows, notChecked: part.notChecked, answered: part.answered };
    });
  }

  /** A shared warehouse read: nobody's cancellation stops it, but it cannot hang forever. */
  private async query<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.loadTimeoutMs);
    try {
      return await withTimeout(run(controller.signal), this.options.loadTimeoutMs, 'the warehouse query');
    } finally {
      clearTimeout(timer);
    }
  }

  private placeholderDeployments(load: TrackedLoad<unknown>): Map<string, DeploymentListing> {
    const error = load.state === 'failed' ? (load.error ?? 'unreadable') : 'The deployment history is still loading.';
    return new Map(this.workspace.config.services.map((s) => [s.name, { error }]));
  }
}

/** Every build a document's answers ask about: deployed revisions, builds that ran, builds with results (full SHAs). */
function buildsOf(graph: CommitGraph, deployments: Map<string, DeploymentListing>, runs: RunRecord[], rows: Row[]): Set<string> {
  const builds = new Set<string>();
  const add = (value: string | null | undefined) => {
    const full = graph.full(value);
    if (full) builds.add(full);
  };
  for (const listing of deployments.values()) if ('list' in listing) for (const d of listing.list) add(d.commit);
  for (const run of runs) add(run.commit);
  for (const row of rows) add(row.commit_sha as string | null);
  return builds;
}

/** Per commit (lowercase full SHA), the merge commit that brought it into HEAD's line, when the remote makes links worth it. */
function mergesOf(snapshot: RepositorySnapshot, shas: string[]): Map<string, string | null> {
  const merges = new Map<string, string | null>();
  const { remote, head } = snapshot.refs;
  if (!remote || !head) return merges;
  for (const sha of shas) {
    const key = sha.toLowerCase();
    if (!merges.has(key) && snapshot.graph.knows(key)) merges.set(key, mergeThatBrought(snapshot.graph, head, key) ?? null);
  }
  return merges;
}

function partState(load: TrackedLoad<unknown>): PartState {
  if (load.state === 'ready') return { state: 'ready' };
  if (load.state === 'failed') return { state: 'failed', error: load.error ?? 'failed' };
  return { state: 'loading' };
}

/** A part read but not answered (its query could not run) is absent: the hover's "Not checked" lines say why. */
function answeredState(load: TrackedLoad<{ answered: boolean; notChecked: string[] }>): PartState {
  if (load.state === 'ready' && load.value && !load.value.answered) return { state: 'absent', reason: load.value.notChecked.join('; ') };
  return partState(load);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Gave up on ${what} after ${Math.round(ms / 1000)} s.`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function nothing(): null {
  return null;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
