import type { DeploymentSourceConfig, ServiceConfig, ServingRule } from '../config/types';
import type { Deployment } from './types';

/**
 * How far past this machine's clock a revision may be dated before the history is not
 * believed: enough for the clocks of a deploying machine and this one to disagree a little,
 * far too little for a mistyped year.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Shares are percentages that sources keep as floats; anything further from 100 is a share missing, not rounding. */
const SHARE_EPSILON = 1e-6;

/**
 * Which revisions serve the service now, when the records prove it: every revision with a
 * share of traffic (most first), and the assumption it rests on, if any. Otherwise why it is
 * not known, and what to record so that it is.
 */
export type ServingSet = { known: true; revisions: Deployment[]; assumption: string | null } | { known: false; reason: string; hint: string };

/** The rule a service's source is read with: Cloud Run always records traffic; the others say so in servingRule. */
export function servingRuleOf(source: DeploymentSourceConfig | null): ServingRule {
  return source && source.kind !== 'cloudRun' && source.kind !== 'buildColumn' ? source.servingRule : 'traffic';
}

/**
 * The one place that decides what serves a service now; verification, provenance, the
 * Deployments view and the models tree all ask it, so none can call a revision "serving"
 * that another would not.
 *
 * Known only when (1) no revision is dated after `now` (plus FUTURE_TOLERANCE_MS), and
 * (2) either the recorded shares add up to 100, no revision that is not ready having a
 * share (revisions without a recorded share then serve nothing), or no share is recorded
 * at all and the service's source opts into servingRule "newest", with one newest ready
 * revision. Anything else is unknown: a guess here would let verification say ok about a
 * revision that serves nothing.
 */
export function servingSet(deployments: Deployment[], service: ServiceConfig, now: Date): ServingSet {
  const name = service.name;
  const source = service.deployments;
  if (deployments.length === 0) {
    return {
      known: false,
      reason: `The deployment source of ${name} lists no revision.`,
      hint: 'Check services[].deployments in pipeline-lens.json; a service that was never deployed cannot run a backfill.',
    };
  }

  const limit = now.getTime() + FUTURE_TOLERANCE_MS;
  const future = deployments.filter((d) => Date.parse(d.createdAt) > limit);
  if (future.length) {
    return {
      known: false,
      reason: `${revisionList(future.map((d) => `${d.revision} (createdAt ${d.createdAt})`))} of ${name} ${future.length === 1 ? 'is' : 'are'} dated after now (${now.toISOString()}; ${FUTURE_TOLERANCE_MS / 60_000} minutes are allowed for clock skew): a history with revisions from the future cannot say which one serves now.`,
      hint: `Correct createdAt of ${future.length === 1 ? 'that record' : 'those records'} in ${sourceName(source)}, or this machine's clock if it is the one that is wrong.`,
    };
  }

  if (source?.kind === 'buildColumn') {
    return {
      known: false,
      reason: `The deployments of ${name} are inferred from ${source.describe}: they say which builds wrote rows, not which revision serves now.`,
      hint: `Give ${name} a deployment record in services[].deployments of pipeline-lens.json (a file, a warehouse table, Cloud Run or the execution log).`,
    };
  }
  const recorded = deployments.filter((d) => d.trafficPercent !== null);
  if (recorded.length === 0) {
    if (servingRuleOf(source) === 'newest') return newestServes(deployments, service);
    return {
      known: false,
      reason: `${sourceName(source, true)} records no traffic share for any revision of ${name}, so which one serves now is not known (the newest may have been deployed without traffic, or rolled back).`,
      hint:
        source?.kind === 'executionLog'
          ? 'The execution log shows what ran, not where traffic goes. If every deploy sends all traffic to the new revision, say so with "servingRule": "newest" in services[].deployments of pipeline-lens.json; otherwise read deployments from Cloud Run or a file that records trafficPercent.'
          : `Record trafficPercent, the share each revision serves now (100 on the serving one, 0 on the others)${source?.kind === 'warehouse' ? ' in the column services[].deployments.columns.trafficPercent names' : ''}; or, if every deploy sends all traffic to the new revision, say so with "servingRule": "newest" in services[].deployments of pipeline-lens.json.`,
    };
  }
  return byTraffic(deployments, service);
}

function byTraffic(deployments: Deployment[], service: ServiceConfig): ServingSet {
  const name = service.name;
  const source = service.deployments;
  const members = deployments
    .filter((d) => d.trafficPercent !== null && d.trafficPercent > 0)
    .sort((a, b) => b.trafficPercent! - a.trafficPercent! || b.createdAt.localeCompare(a.createdAt) || a.revision.localeCompare(b.revision));
  const sum = deployments.reduce((total, d) => total + (d.trafficPercent ?? 0), 0);
  const unrecorded = deployments.filter((d) => d.trafficPercent === null);
  const from = source?.kind === 'cloudRun' ? 'Cloud Run reports' : `recorded in ${sourceName(source)}`;
  const shares = members.length ? members.map((d) => `${d.revision} ${percent(d.trafficPercent!)}`).join(', ') : 'no revision has a share';
  const fixShares =
    source?.kind === 'cloudRun'
      ? `Look at the service's traffic (\`gcloud run services describe ${source.service ?? name} --region ${source.region}\`): a revision that never became ready receives none. Verify again once the traffic goes to ready revisions.`
      : `trafficPercent is the share each revision serves now: record it on every revision so that the shares add up to 100 (0 on revisions that serve nothing) in ${sourceName(source)}.`;

  if (Math.abs(sum - 100) > SHARE_EPSILON) {
    const missing = unrecorded.length ? `; ${revisionList(unrecorded.map((d) => d.revision))} record${unrecorded.length === 1 ? 's' : ''} no share` : '';
    return {
      known: false,
      reason:
        sum < 100
          ? `The traffic shares ${from} for ${name} sum to ${percent(sum)} (${shares}): ${percent(100 - sum)} of its traffic is unaccounted for${missing}, so what serves it is not known.`
          : `The traffic shares ${from} for ${name} sum to ${percent(sum)} (${shares}), more than all of its traffic: they cannot all be current, so what serves it is not known.`,
      hint: fixShares,
    };
  }
  const notReady = members.filter((d) => d.ready === false);
  if (notReady.length) {
    return {
      known: false,
      reason: `${revisionList(notReady.map((d) => `${d.revision} (${percent(d.trafficPercent!)})`))} of ${name} ${notReady.length === 1 ? 'has a share of traffic but is' : 'have shares of traffic but are'} not ready: a revision that is not ready serves nothing, so what serves ${notReady.length === 1 ? 'that share' : 'those shares'} is not known.`,
      hint: fixShares,
    };
  }
  return { known: true, revisions: members, assumption: null };
}

function newestServes(deployments: Deployment[], service: ServiceConfig): ServingSet {
  const name = service.name;
  const hint =
    service.deployments?.kind === 'executionLog'
      ? 'The execution log cannot say which of them serves: read deployments from Cloud Run, or from a file or table that records trafficPercent.'
      : `Record trafficPercent with each revision in ${sourceName(service.deployments)}, or correct createdAt so that one revision is the newest.`;
  const ready = deployments.filter((d) => d.ready !== false);
  if (ready.length === 0) return { known: false, reason: `No revision of ${name} is ready, so none serves.`, hint };
  const newest = ready.reduce((latest, d) => (d.createdAt > latest ? d.createdAt : latest), ready[0].createdAt);
  const tied = ready.filter((d) => d.createdAt === newest);
  if (tied.length > 1) {
    return {
      known: false,
      reason: `${revisionList(tied.map((d) => d.revision))} of ${name} were created at the same instant (${newest}): servingRule "newest" cannot tell which of them serves.`,
      hint,
    };
  }
  return {
    known: true,
    revisions: tied,
    assumption: `This rests on servingRule "newest" in pipeline-lens.json: ${sourceName(service.deployments)} records no traffic, and every deploy of ${name} is assumed to send all traffic to the new revision.`,
  };
}

/**
 * The revision created last at or before `instant`: what served then, if every deploy sent
 * all traffic to the new revision. Revisions created at the same instant are returned
 * together, never one picked by list order; null when none is that old.
 */
export function servingAt(deployments: Deployment[], instant: string): { revision: Deployment } | { tied: Deployment[] } | null {
  const candidates = deployments.filter((d) => d.createdAt <= instant);
  if (candidates.length === 0) return null;
  const latest = candidates.reduce((max, d) => (d.createdAt > max ? d.createdAt : max), candidates[0].createdAt);
  const tied = candidates.filter((d) => d.createdAt === latest);
  return tied.length === 1 ? { revision: tied[0] } : { tied };
}

function percent(value: number): string {
  return `${Number.isInteger(value) ? value : Number(value.toFixed(4))}%`;
}

function revisionList(items: string[]): string {
  const shown = items.slice(0, 5);
  const more = items.length > shown.length ? ` and ${items.length - shown.length} more` : '';
  return `${items.length === 1 ? 'Revision' : 'Revisions'} ${shown.join(', ')}${more}`;
}

/** The source in words, for messages: where the records to fix are. */
function sourceName(source: DeploymentSourceConfig | null, sentenceStart = false): string {
  let text: string;
  switch (source?.kind) {
    case 'file':
      text = `the deployment file ${source.path}`;
      break;
    case 'warehouse':
      text = `the deployments table ${source.table}`;
      break;
    case 'cloudRun':
      text = 'Cloud Run';
      break;
    case 'executionLog':
      text = 'the execution log';
      break;
    case 'buildColumn':
      text = `the build column of tables.${source.table}`;
      break;
    case undefined:
      text = 'the deployment source';
  }
  return sentenceStart ? text[0].toUpperCase() + text.slice(1) : text;
}
