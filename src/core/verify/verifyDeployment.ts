import type { DeploymentSourceConfig, ServiceConfig } from '../config/types';
import { servingSet } from '../deployments/servingSet';
import type { Deployment } from '../deployments/types';
import type { GitRepository } from '../git/gitRepository';
import { GitError, type CommitInfo } from '../git/types';
import type { Workspace } from '../workspace';

export type Verdict = 'ok' | 'stale' | 'unknown';

export interface MissingCommit {
  sha: string;
  subject: string;
  author: string;
  committedAt: string;
  ageSeconds: number;
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
      deployments = await withTimeout(workspace.deployments(service.name), timeoutMs, `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`);
    } catch (error) {
      return unknown(`Cannot read the deployments of ${service.name}: ${(error as Error).message}`, 'Without the deployed revision nothing can be verified; fix the deployment source and run again.');
    }
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

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
  const unknown = (reason: string, hint: string | null): VerifyResult => ({ ...result, verdict: 'unknown', reason, hint });
  if (!serving.commit) {
    return unknown(`Revision ${serving.revision} of ${service.name} does not record the commit it was built from.`, recordCommitHint(service.deployments));
  }

  const shallow = await git.isShallow();
  const resolution = (await git.resolve([serving.commit])).get(serving.commit);
  if (!resolution || resolution.status !== 'found') {
    return unknown(
      `The deployed commit ${serving.commit} (revision ${serving.revision}) is not in local history${resolution?.status === 'ambiguous' ? ' unambiguously' : ''}.`,
      shallow
        ? 'This clone is shallow: run `git fetch --unshallow` (or `git fetch --deepen=500`) and verify again.'
        : 'Run `git fetch --all` so the deployed commit is known locally, then verify again.',
    );
  }
  const deployedSha = resolution.commit.sha;
  result.deployed!.sha = deployedSha;

  const index = await git.ancestryIndex([deployedSha, targetSha]);
  const now = workspace.currentTime().getTime();
  const toMissing = (c: CommitInfo): MissingCommit => ({
    sha: c.sha,
    subject: c.subject,
    author: c.author,
    committedAt: c.committedAt,
    ageSeconds: (now - Date.parse(c.committedAt)) / 1000,
  });

  const deployCommand = service.deployCommand ? `Deploy with: ${service.deployCommand}` : `Deploy ${service.name} from ${targetRev}, then verify again.`;
  const targetInDeployed = index.contains(deployedSha, targetSha);
  const deployedInTarget = index.contains(targetSha, deployedSha);

  if (deployedSha === targetSha) {
    return { ...result, verdict: 'ok', reason: `${service.name} runs ${targetRev} (${deployedSha.slice(0, 8)}) exactly, as revision ${serving.revision}.` };
  }

  if (!deployedInTarget) {
    // The deployed build has commits the target lacks: the backfill would run code that is not in the target.
    const extra = await git.commitsBetween(targetSha, deployedSha, service.paths);
    if (targetInDeployed && extra.length === 0) {
      return {
        ...result,
        verdict: 'ok',
        reason: `${service.name}'s revision ${serving.revision} contains ${targetRev}; the ${index.countBetween(targetSha, deployedSha)} commit(s) it has beyond it touch none of the service's paths.`,
      };
    }
    const missing = await git.commitsBetween(deployedSha, targetSha, service.paths);
    return {
      ...result,
      verdict: 'stale',
      diverged: !targetInDeployed,
      missing: missing.map(toMissing),
      reason: targetInDeployed
        ? `${service.name} runs ${deployedSha.slice(0, 8)}, which is ahead of ${targetRev} by ${extra.length} commit(s) touching the service: the backfill would run code that is not in your target.`
        : `${service.name} runs ${deployedSha.slice(0, 8)}, which has diverged from ${targetRev}: it has ${extra.length} commit(s) touching the service that the target lacks, and lacks ${missing.length} of the target's.`,
      hint: targetInDeployed ? `Verify against the deployed commit (--target ${deployedSha.slice(0, 8)}) or redeploy from ${targetRev}.` : deployCommand,
    };
  }

  const missing = await git.commitsBetween(deployedSha, targetSha, service.paths);
  const ahead = index.countBetween(deployedSha, targetSha);
  result.unrelatedAhead = ahead - missing.length;
  if (missing.length === 0) {
    return {
      ...result,
      verdict: 'ok',
      reason: `${service.name} (revision ${serving.revision}, ${deployedSha.slice(0, 8)}) has every commit of ${targetRev} that touches its paths; ${result.unrelatedAhead} unrelated commit(s) ahead.`,
    };
  }
  return {
    ...result,
    verdict: 'stale',
    missing: missing.map(toMissing),
    reason: `${service.name} (revision ${serving.revision}, ${deployedSha.slice(0, 8)}) lacks ${missing.length} commit(s) of ${targetRev} that touch its code: a backfill now would run the old code.`,
    hint: deployCommand,
  };
}
