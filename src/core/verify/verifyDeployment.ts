import type { DeploymentSourceConfig, ServiceConfig } from '../config/types';
import { deploymentKey, inferredFrom } from '../deployments/buildColumnDeploymentSource';
import { servingSet } from '../deployments/servingSet';
import type { Deployment } from '../deployments/types';
import type { GitRepository } from '../git/gitRepository';
import { entriesThatDiffer, globsMatchingNothing, reachedGitlinks, serviceEntries } from '../git/serviceTree';
import type { TreeEntry } from '../git/treeEntries';
import { GitError, type CommitInfo } from '../git/types';
import type { Workspace } from '../workspace';
import { explainUnmatchedGlobs } from './unmatchedPaths';

export type Verdict = 'ok' | 'stale' | 'unknown';

export interface MissingCommit {
  sha: string;
  subject: string;
  author: string;
  committedAt: string;
  ageSeconds: number;
}

/**
 * What one witness says about the deployed commit against the target: `agrees` (it found
 * nothing missing or different), `objects` (it did), or `not checked` (verification stopped
 * before it could look, and `says` why).
 */
export interface Witness {
  answer: 'agrees' | 'objects' | 'not checked';
  /** One sentence: what it compared and what it found. */
  says: string;
}

/** `ok` needs both to agree. */
export interface Witnesses {
  /** Every commit of the target touching the service's paths is in the deployed commit (and the deployed commit has none the target lacks). */
  ancestry: Witness;
  /** The service's files and gitlinks are identical at the deployed commit and at the target. */
  content: Witness;
}

export interface VerifyResult {
  verdict: Verdict;
  service: string;
  /** The target as asked for (default HEAD) and what it resolved to. */
  target: { rev: string; sha: string | null };
  deployed: { revision: string; commit: string | null; sha: string | null; createdAt: string; trafficPercent: number | null } | null;
  /** One sentence: why this verdict. */
  reason: string;
  /** What to do next, when there is something to do. */
  hint: string | null;
  /** Commits touching the service's paths that the deployed build lacks, newest first. */
  missing: MissingCommit[];
  /** Commits the target has beyond the deployed build that touch none of the service's paths. */
  unrelatedAhead: number;
  /** The deployed build and the target have diverged (neither contains the other). */
  diverged: boolean;
  /** Uncommitted or other non-blocking concerns. */
  warnings: string[];
  /** Every revision receiving traffic, each with its own verdict; empty when what serves is not known. */
  checked: CheckedRevision[];
  /** The two independent checks behind the verdict. */
  witnesses: Witnesses;
}

export interface CheckedRevision {
  revision: string;
  commit: string | null;
  trafficPercent: number | null;
  verdict: Verdict;
}

/** How to make the next revision name its commit, in the terms of the configured source. */
function recordCommitHint(source: DeploymentSourceConfig | null): string {
  if (source?.kind === 'cloudRun') {
    const label = source.commitLabel ? ` or the label ${source.commitLabel}` : '';
    return `Make the deploy script set the environment variable ${source.commitEnv}${label} on the revision (e.g. --set-env-vars ${source.commitEnv}=$(git rev-parse HEAD)) and redeploy; the commitEnv setting in pipeline-lens.json names the variable.`;
  }
  if (source?.kind === 'executionLog') return 'Make the service write its build commit into every execution-log row, then run again.';
  return 'Make the deploy script record the commit it built (e.g. BUILD_COMMIT=$(git rev-parse HEAD)) with each revision and redeploy.';
}

export const EXIT_CODES: Record<Verdict, number> = { ok: 0, stale: 1, unknown: 2 };

/**
 * Pre-backfill verification: does the revision serving the service contain every commit of
 * the target that touches the service's code? It fails closed: anything it cannot establish
 * (no deployment source, no commit on the revision, a commit missing from local history,
 * git missing) is `unknown`, which blocks exactly like `stale`.
 */
export interface VerifyOptions {
  /** How long the deployment source may take before the verdict is `unknown` (default 60 s). */
  deploymentTimeoutMs?: number;
}

export async function verifyDeployment(workspace: Workspace, serviceName: string, targetRev = 'HEAD', options: VerifyOptions = {}): Promise<VerifyResult> {
  const base: VerifyResult = {
    verdict: 'unknown',
    service: serviceName,
    target: { rev: targetRev, sha: null },
    deployed: null,
    reason: '',
    hint: null,
    missing: [],
    unrelatedAhead: 0,
    diverged: false,
    warnings: [],
    checked: [],
    witnesses: notChecked('verification stopped before the deployed commit and the target were compared'),
  };
  const unknown = (reason: string, hint: string | null = null, from: VerifyResult = base): VerifyResult => ({ ...from, verdict: 'unknown', reason, hint });

  let service: ServiceConfig;
  try {
    service = workspace.service(serviceName);
  } catch (error) {
    return unknown((error as Error).message);
  }

  let git: GitRepository;
  try {
    git = await workspace.git();
  } catch (error) {
    return unknown((error as Error).message);
  }

  try {
    const targetSha = await git.revParse(targetRev);
    if (!targetSha) return unknown(`The target ${targetRev} is not a revision of ${git.root}.`, 'Pass --target with a branch, tag or SHA that exists locally.');
    base.target.sha = targetSha;

    let deployments: Deployment[];
    const timeoutMs = options.deploymentTimeoutMs ?? DEFAULT_DEPLOYMENT_TIMEOUT_MS;
    try {
      deployments = await withTimeout(
        workspace.deployments(service.name),
        timeoutMs,
        `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
      );
    } catch (error) {
      return unknown(
        `Cannot read the deployments of ${service.name}: ${(error as Error).message}`,
        'Without the deployed revision nothing can be verified; fix the deployment source and run again.',
      );
    }
    const inferred = inferredFrom(service.deployments);
    if (inferred) return await inferredVerdict(workspace, git, service, deployments, inferred, targetRev, targetSha, base);
    const set = servingSet(deployments, service, workspace.currentTime());
    if (!set.known) return unknown(set.reason, set.hint);
    const serving = set.revisions;

    const dirty = await git.dirtyFiles(service.paths);
    if (dirty.length) {
      base.warnings.push(
        `${dirty.length} uncommitted change(s) under ${service.name}'s paths are in no deployment: ${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}.`,
      );
    }
    if (serving.length > 1) {
      base.warnings.push(`Traffic is split between ${serving.map((d) => `${d.revision} (${d.trafficPercent}%)`).join(', ')}: every one of them is checked.`);
    }

    const checks: VerifyResult[] = [];
    for (const revision of serving) checks.push(await checkRevision(workspace, git, service, revision, targetRev, targetSha, base));
    // Fail closed: the verdict is the worst of the revisions that receive traffic.
    const worst = checks.find((c) => c.verdict === 'unknown') ?? checks.find((c) => c.verdict === 'stale') ?? checks[0];
    const checked = serving.map((d, i): CheckedRevision => ({ revision: d.revision, commit: d.commit, trafficPercent: d.trafficPercent, verdict: checks[i].verdict }));
    let reason = worst.reason;
    if (serving.length > 1 && worst.verdict !== 'ok') reason = `${reason} (${worst.deployed?.trafficPercent}% of traffic goes to that revision.)`;
    if (set.assumption) reason = `${reason} ${set.assumption}`;
    return { ...worst, reason, checked };
  } catch (error) {
    if (error instanceof GitError) return unknown(error.message);
    return unknown(`Verification failed: ${(error as Error).message}`);
  }
}

const DEFAULT_DEPLOYMENT_TIMEOUT_MS = 60_000;

/**
 * Deployments inferred from a build column say which builds wrote rows, not what serves: the
 * newest build seen is compared with the target for information, and the verdict is always
 * unknown, naming the column and the key that would give a real record.
 */
async function inferredVerdict(
  workspace: Workspace,
  git: GitRepository,
  service: ServiceConfig,
  deployments: Deployment[],
  inferred: string,
  targetRev: string,
  targetSha: string,
  base: VerifyResult,
): Promise<VerifyResult> {
  const key = deploymentKey(workspace.config, service);
  const reason = `The deployments of service ${service.name} are inferred from ${inferred}, not recorded: they say which builds wrote rows, not which revision serves now, so verification cannot say ok.`;
  const hint = `Set ${key} in pipeline-lens.json to a real deployment record (a file, a warehouse table, Cloud Run, or the execution log) for service ${service.name}.`;
  const newest = deployments.at(-1);
  if (!newest) return { ...base, verdict: 'unknown', reason: `${reason} No build of ${service.name} appears in it.`, hint };
  const check = await checkRevision(workspace, git, service, newest, targetRev, targetSha, base);
  const seen = `The newest build seen, ${newest.commit?.slice(0, 8) ?? newest.revision} (first seen ${newest.createdAt.slice(0, 10)}), ${
    check.verdict === 'ok' ? 'has every commit touching its paths' : check.verdict === 'stale' ? 'lacks code of the target' : 'could not be compared'
  }: ${check.reason}`;
  return { ...check, verdict: 'unknown', reason: `${reason} ${seen}`, hint: check.hint ? `${hint} ${check.hint}` : hint, checked: [] };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function notChecked(why: string): Witnesses {
  const witness: Witness = { answer: 'not checked', says: `${why}.` };
  return { ancestry: witness, content: witness };
}

/** An unknown verdict built on `result`: `why` says which witness could not be asked. */
function unknownFrom(result: VerifyResult): (reason: string, hint: string | null, why: string) => VerifyResult {
  return (reason, hint, why) => ({ ...result, verdict: 'unknown', reason, hint, witnesses: notChecked(why) });
}

/** The verdict for one deployed revision against the target. */
async function checkRevision(
  workspace: Workspace,
  git: GitRepository,
  service: ServiceConfig,
  serving: Deployment,
  targetRev: string,
  targetSha: string,
  base: VerifyResult,
): Promise<VerifyResult> {
  const result: VerifyResult = {
    ...base,
    warnings: [...base.warnings],
    deployed: { revision: serving.revision, commit: serving.commit, sha: null, createdAt: serving.createdAt, trafficPercent: serving.trafficPercent },
  };
  const unknown = unknownFrom(result);
  if (!serving.commit) {
    return unknown(
      `Revision ${serving.revision} of ${service.name} does not record the commit it was built from.`,
      recordCommitHint(service.deployments),
      'the revision records no commit',
    );
  }

  try {
    const resolution = (await git.resolve([serving.commit])).get(serving.commit);
    if (!resolution || resolution.status !== 'found') {
      const shallow = (await git.shallowBoundary()).length > 0;
      return unknown(
        `The deployed commit ${serving.commit} (revision ${serving.revision}) is not in local history${resolution?.status === 'ambiguous' ? ' unambiguously' : ''}.`,
        shallow
          ? 'This clone is shallow and the deployed commit lies below where its history stops: run `git fetch --unshallow` (or `git fetch --deepen=<N>`, N at least the number of commits made since the deployed one) and verify again.'
          : 'Run `git fetch --all` so the deployed commit is known locally, then verify again.',
        'the deployed commit is not in local history',
      );
    }
    const deployedSha = resolution.commit.sha;
    result.deployed!.sha = deployedSha;
    return await compareCommits(workspace, git, service, serving, targetRev, targetSha, deployedSha, resolution.commit, result);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return unknown(
      `git failed while comparing the deployed commit with ${targetRev}, so nothing was concluded: ${error.message}`,
      error.reason === 'git-missing' ? null : 'Run verify again; if git fails again, check the repository (`git fsck`) and the memory available to git.',
      'git failed before the comparison finished',
    );
  }
}

/** Both witnesses, once the deployed commit is known locally. */
async function compareCommits(
  workspace: Workspace,
  git: GitRepository,
  service: ServiceConfig,
  serving: Deployment,
  targetRev: string,
  targetSha: string,
  deployedSha: string,
  deployedCommit: CommitInfo,
  result: VerifyResult,
): Promise<VerifyResult> {
  const unknown = unknownFrom(result);
  const short = (sha: string) => sha.slice(0, 8);
  const paths = service.paths.join(', ');

  // Paths that select nothing make both witnesses agree with anything: check them first.
  const deployedTree = await git.treeEntries(deployedSha);
  const targetTree = deployedSha === targetSha ? deployedTree : await git.treeEntries(targetSha);
  const unmatched = globsMatchingNothing(service.paths, [targetTree, deployedTree]);
  if (unmatched.length > 0) {
    const explained = await explainUnmatchedGlobs(unmatched, {
      git,
      serviceIndex: workspace.config.services.indexOf(service),
      configFile: workspace.config.file,
      targetRev,
      targetSha,
      deployedSha,
      entries: [...targetTree, ...deployedTree],
    });
    return unknown(explained.reason, explained.hint, "the service's paths select no file");
  }
  const deployedFiles = serviceEntries(service.paths, deployedTree);
  const targetFiles = serviceEntries(service.paths, targetTree);
  if (deployedFiles.size === 0 && targetFiles.size === 0) {
    return unknown(
      `The exclusions in ${service.name}'s paths (${paths}) leave no file at ${targetRev} nor at the deployed ${short(deployedSha)}.`,
      `Fix services[${workspace.config.services.indexOf(service)}].paths in ${workspace.config.file} so that they select the service's code, then verify again.`,
      "the service's paths select no file",
    );
  }

  const index = await git.ancestryIndex([deployedSha, targetSha]);
  if (deployedSha !== targetSha) {
    const history = await git.historyBetween(deployedSha, targetSha, index);
    if (!history.complete) {
      const since = deployedCommit.committedAt.slice(0, 10);
      return unknown(
        `This clone is shallow and its history stops between the deployed ${short(deployedSha)} and ${targetRev} (at ${history.cutAt.map(short).join(', ')}): ` +
          'a commit at the cut looks as if it added every file, so what the deployment lacks cannot be told.',
        `Run \`git fetch --unshallow\` (or \`git fetch --shallow-since=${since}\`, which fetches the commits made since the deployed one and is enough unless a branch merged between them began earlier) and verify again.`,
        'the history between the two commits is cut off in this shallow clone',
      );
    }
  }

  // Witness 2: the service's tree, gitlinks included, at both commits.
  const differ = entriesThatDiffer(deployedFiles, targetFiles);
  const listed = `${differ.slice(0, 3).join(', ')}${differ.length > 3 ? ` and ${differ.length - 3} more` : ''}`;
  const content: Witness =
    differ.length === 0
      ? {
          answer: 'agrees',
          says: `the ${describeEntries([...targetFiles.values()])} under ${paths} ${targetFiles.size === 1 ? 'is' : 'are'} identical at the deployed ${short(deployedSha)} and at ${targetRev}.`,
        }
      : { answer: 'objects', says: `${listed} ${differ.length === 1 ? 'differs' : 'differ'} between the deployed ${short(deployedSha)} and ${targetRev}.` };

  // Witness 1: commits touching the service's paths, gitlinks the globs reach into included.
  const gitlinks = [...new Set(reachedGitlinks(service.paths, [...deployedTree, ...targetTree]))];
  const now = workspace.currentTime().getTime();
  const toMissing = (c: CommitInfo): MissingCommit => ({
    sha: c.sha,
    subject: c.subject,
    author: c.author,
    committedAt: c.committedAt,
    ageSeconds: (now - Date.parse(c.committedAt)) / 1000,
  });
  const deployCommand = service.deployCommand ? `Deploy with: ${service.deployCommand}` : `Deploy ${service.name} from ${targetRev}, then verify again.`;
  const witnessed = (ancestry: Witness): Witnesses => ({ ancestry, content });

  if (deployedSha === targetSha) {
    return {
      ...result,
      verdict: 'ok',
      witnesses: witnessed({ answer: 'agrees', says: `the deployed commit is ${targetRev} itself.` }),
      reason: `${service.name} runs ${targetRev} (${short(deployedSha)}) exactly, as revision ${serving.revision}.`,
    };
  }

  const targetInDeployed = index.contains(deployedSha, targetSha);
  const deployedInTarget = index.contains(targetSha, deployedSha);

  if (!deployedInTarget) {
    // The deployed build has commits the target lacks: the backfill would run code that is not in the target.
    const extra = await git.commitsBetween(targetSha, deployedSha, service.paths, gitlinks);
    if (targetInDeployed && extra.length === 0) {
      const beyond = index.countBetween(targetSha, deployedSha);
      const ancestry: Witness = {
        answer: 'agrees',
        says: `the deployed ${short(deployedSha)} contains ${targetRev}, and none of the ${beyond} commit(s) it has beyond it touch ${paths}.`,
      };
      if (content.answer === 'objects') return contentObjects(result, witnessed(ancestry), service, targetRev, deployedSha, differ, deployCommand);
      return {
        ...result,
        verdict: 'ok',
        witnesses: witnessed(ancestry),
        reason: `${service.name}'s revision ${serving.revision} contains ${targetRev}; the ${beyond} commit(s) it has beyond it touch none of the service's paths, and its files are ${targetRev}'s.`,
      };
    }
    const missing = await git.commitsBetween(deployedSha, targetSha, service.paths, gitlinks);
    return {
      ...result,
      verdict: 'stale',
      diverged: !targetInDeployed,
      missing: missing.map(toMissing),
      witnesses: witnessed({
        answer: 'objects',
        says: targetInDeployed
          ? `the deployed ${short(deployedSha)} has ${extra.length} commit(s) touching ${paths} that ${targetRev} lacks.`
          : `the deployed ${short(deployedSha)} and ${targetRev} have diverged: ${extra.length} commit(s) touching ${paths} on the deployed side, ${missing.length} on the target's.`,
      }),
      reason: targetInDeployed
        ? `${service.name} runs ${short(deployedSha)}, which is ahead of ${targetRev} by ${extra.length} commit(s) touching the service: the backfill would run code that is not in your target.`
        : `${service.name} runs ${short(deployedSha)}, which has diverged from ${targetRev}: it has ${extra.length} commit(s) touching the service that the target lacks, and lacks ${missing.length} of the target's.`,
      hint: targetInDeployed ? `Verify against the deployed commit (--target ${short(deployedSha)}) or redeploy from ${targetRev}.` : deployCommand,
    };
  }

  const missing = await git.commitsBetween(deployedSha, targetSha, service.paths, gitlinks);
  const ahead = index.countBetween(deployedSha, targetSha);
  result.unrelatedAhead = ahead - missing.length;
  if (missing.length === 0) {
    const ancestry: Witness = { answer: 'agrees', says: `every commit of ${targetRev} touching ${paths} is in the deployed ${short(deployedSha)}.` };
    if (content.answer === 'objects') return contentObjects(result, witnessed(ancestry), service, targetRev, deployedSha, differ, deployCommand);
    return {
      ...result,
      verdict: 'ok',
      witnesses: witnessed(ancestry),
      reason: `${service.name} (revision ${serving.revision}, ${short(deployedSha)}) has every commit of ${targetRev} that touches its paths, and its files are ${targetRev}'s; ${result.unrelatedAhead} unrelated commit(s) ahead.`,
    };
  }
  return {
    ...result,
    verdict: 'stale',
    missing: missing.map(toMissing),
    witnesses: witnessed({ answer: 'objects', says: `${missing.length} commit(s) of ${targetRev} touching ${paths} are not in the deployed ${short(deployedSha)}.` }),
    reason: `${service.name} (revision ${serving.revision}, ${short(deployedSha)}) lacks ${missing.length} commit(s) of ${targetRev} that touch its code: a backfill now would run the old code.`,
    hint: deployCommand,
  };
}

/** History found nothing missing, yet the files differ: the content witness objects, so the deployed code is not the target's. */
function contentObjects(
  result: VerifyResult,
  witnesses: Witnesses,
  service: ServiceConfig,
  targetRev: string,
  deployedSha: string,
  differ: string[],
  deployCommand: string,
): VerifyResult {
  const first = differ[0];
  return {
    ...result,
    verdict: 'stale',
    witnesses,
    reason:
      `History says every commit touching ${service.paths.join(', ')} is deployed, but ${first}${differ.length > 1 ? ` (and ${differ.length - 1} more)` : ''} ` +
      `${differ.length > 1 ? 'differ' : 'differs'} between the deployed ${deployedSha.slice(0, 8)} and ${targetRev}: a merge may have dropped a change, so the backfill would not run ${targetRev}'s code.`,
    hint: `See what differs with \`git diff ${deployedSha.slice(0, 8)} ${targetRev} -- ${shellWord(first)}\`; ${deployCommand}`,
  };
}

/** A path as one shell word, quoted only when it needs to be. */
function shellWord(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** "3 files", "2 files and 1 gitlink": what the content witness compared. */
function describeEntries(entries: TreeEntry[]): string {
  const gitlinks = entries.filter((e) => e.type === 'commit').length;
  const files = entries.length - gitlinks;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return gitlinks ? `${plural(files, 'file')} and ${plural(gitlinks, 'gitlink')}` : plural(files, 'file');
}
