import { inferredFrom } from '../core/deployments/buildColumnDeploymentSource';
import { servingSet } from '../core/deployments/servingSet';
import { cutMessage, HistoryCut, isCut } from '../core/git/historyCut';
import { verifyDeployment } from '../core/verify/verifyDeployment';
import type { DeploymentsResult, ServiceDeployments, ServiceRevision } from '../shared/protocol';
import type { ServerWorkspace } from './serverWorkspace';

/**
 * Every service with its revisions (newest first), where each stands against HEAD, and the
 * pre-backfill verdict. The verdict is the engine's verifyDeployment, the code behind
 * `pipeline-lens verify`, so the view, the status bar and the CLI cannot disagree.
 */
export async function deploymentsOverview(workspace: ServerWorkspace): Promise<DeploymentsResult> {
  const git = await workspace.git();
  const headSha = await git.revParse('HEAD');
  const services: ServiceDeployments[] = [];
  const all: Array<{ service: string; list: Awaited<ReturnType<typeof workspace.deployments>> }> = [];
  const errors = new Map<string, string>();
  for (const service of workspace.config.services) {
    try {
      all.push({ service: service.name, list: await workspace.deployments(service.name) });
    } catch (error) {
      errors.set(service.name, (error as Error).message);
      all.push({ service: service.name, list: [] });
    }
  }
  // One resolution and one ancestry walk for every revision of every service.
  const recorded = [...new Set(all.flatMap((s) => s.list.map((d) => d.commit).filter((c): c is string => !!c)))];
  const resolved = await git.resolve(recorded);
  const fullOf = (commit: string | null) => {
    if (!commit) return null;
    const r = resolved.get(commit);
    return r?.status === 'found' ? r.commit.sha : null;
  };
  const fulls = [...new Set(recorded.map(fullOf).filter((c): c is string => !!c))];
  const shallow = await git.shallowState();
  const index = headSha ? await git.ancestryIndex([headSha, ...fulls, ...shallow.boundary]) : null;
  // Counts that would include commits beyond a shallow clone's boundary are withheld, saying so.
  const cut = index ? new HistoryCut(index, shallow) : null;
  const head = headSha ? ((await git.commits([headSha])).get(headSha) ?? null) : null;

  for (const { service: name, list } of all) {
    const service = workspace.service(name);
    // An unreadable source leaves the list empty; its error says why, not "no revision".
    const set = list.length ? servingSet(list, service, workspace.currentTime()) : null;
    const serving = new Set(set?.known ? set.revisions : []);
    const revisions: ServiceRevision[] = [...list]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((d) => {
        const full = fullOf(d.commit);
        const known = !!(full && headSha && index?.knows(full));
        const r = full ? resolved.get(d.commit!) : undefined;
        let behindHead: number | null = null;
        let aheadOfHead: number | null = null;
        let historyCut: string | null = null;
        if (known && cut) {
          const behind = cut.countBetween(full, headSha);
          const ahead = cut.countBetween(headSha, full);
          if (isCut(behind)) historyCut = cutMessage(behind.cutAt, `how many commits ${d.revision} is behind HEAD`);
          else if (isCut(ahead)) historyCut = cutMessage(ahead.cutAt, `how many commits ${d.revision} is ahead of HEAD`);
          else [behindHead, aheadOfHead] = [behind, ahead];
        } else if (shallow.shallow && d.commit) {
          historyCut = cutMessage(cut?.anyBoundary ?? shallow.boundary[0] ?? null, `how ${d.revision} relates to HEAD: its commit ${d.commit.slice(0, 7)} is not in local history`);
        }
        return {
          revision: d.revision,
          commit: full ?? d.commit,
          subject: r?.status === 'found' ? r.commit.subject : null,
          createdAt: d.createdAt,
          trafficPercent: d.trafficPercent,
          serving: serving.has(d),
          behindHead,
          aheadOfHead,
          historyCut,
        };
      });
    services.push({
      service: name,
      paths: service.paths,
      deployCommand: service.deployCommand,
      revisions,
      servingUnknown: set && !set.known ? set.reason : null,
      inferredFrom: inferredFrom(service.deployments),
      verification: { ...(await verifyDeployment(workspace, name, 'HEAD')), deployCommand: service.deployCommand },
      error: errors.get(name) ?? null,
    });
  }
  return { head: head && headSha ? { sha: headSha, subject: head.subject } : null, services, dataLastDay: await dataLastDay(workspace) };
}

/** How long the view waits for the data's range (read once per workspace, shared with the trees) before ages fall back to "ago". */
const DATA_RANGE_WAIT_MS = 2000;

/** The predictions table's last day, or null when the data could not say in time (ages then count from today). */
async function dataLastDay(workspace: ServerWorkspace): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DATA_RANGE_WAIT_MS);
  });
  try {
    const found = await Promise.race([workspace.defaultWindowBasis().catch(() => null), late]);
    return found?.basis === 'data' ? found.window.to : null;
  } finally {
    clearTimeout(timer);
  }
}
