import { HistoryCut, NOT_SHALLOW } from '../git/historyCut';
import type { Resolution } from '../git/types';
import type { DateWindow } from '../warehouse/catalog';
import type { Row } from '../warehouse/types';
import type { ServiceConfig } from '../config/types';
import type { CommitDetails } from './commitDetailsBatch';
import { assembleProvenance, type CommitProvenance, type DeploymentListing } from './commitProvenance';
import type { DeployedAncestry } from './deployedAncestry';
import type { RunRecord } from './runSessions';

export interface EarlyInputs {
  asked: string[];
  details: Map<string, CommitDetails>;
  ancestry: DeployedAncestry;
  window: DateWindow;
  services: ServiceConfig[];
  deployments: Map<string, DeploymentListing>;
  runs: RunRecord[];
  logService: string | null;
  metricRows: Row[];
  now: string;
  notChecked: string[];
}

export interface EarlyAnswers {
  /** The commits answered exactly as the graph of every ref will answer them. */
  commits: Map<string, CommitProvenance>;
  /** Commits not known to be reachable from a ref or HEAD yet, or every commit when a deployed revision's commit is not decided. */
  awaiting: Set<string>;
  /** A run's or a result row's build is not decided yet: that part is left out, as loading. */
  runsAwaiting: boolean;
  resultsAwaiting: boolean;
}

/**
 * Provenance from the deployed revisions' history alone, for a cold service whose graph of
 * every ref is still being walked. Whatever the answer reads from git must be decided the
 * way that graph will decide it: the deployed commits, the commit asked about (reachable),
 * each run's and result row's build. What is not is left out and said to be loading, never
 * guessed; "commits behind" of a commit outside every deployed revision's history waits.
 */
export function earlyProvenance(inputs: EarlyInputs): EarlyAnswers {
  const { ancestry } = inputs;
  const deployedValues = [...inputs.deployments.values()].flatMap((l) => ('list' in l ? l.list.map((d) => d.commit) : []));
  if (!ancestry.decides(deployedValues)) return { commits: new Map(), awaiting: new Set(inputs.asked), runsAwaiting: true, resultsAwaiting: true };
  const runsAwaiting = !ancestry.decides(inputs.runs.map((r) => r.commit));
  const resultsAwaiting = !ancestry.decides(inputs.metricRows.map((r) => r.commit_sha as string | null));
  const lookup = ancestry.lookup();
  const cut = new HistoryCut(ancestry.graph, NOT_SHALLOW);
  const commits = new Map<string, CommitProvenance>();
  const awaiting = new Set<string>();
  for (const sha of inputs.asked) {
    const detail = inputs.details.get(sha);
    if (!detail) continue;
    if (!ancestry.reachable(sha)) {
      awaiting.add(sha);
      continue;
    }
    const resolution: Resolution = { status: 'found', commit: detail.commit };
    const [provenance] = assembleProvenance({
      queries: [sha],
      resolutions: new Map([[sha, resolution]]),
      window: inputs.window,
      files: new Map([[sha, detail.files]]),
      services: inputs.services,
      deployments: inputs.deployments,
      runs: runsAwaiting ? [] : inputs.runs,
      logService: inputs.logService,
      metricRows: resultsAwaiting ? [] : inputs.metricRows,
      lookup,
      ancestry: cut,
      now: inputs.now,
      notChecked: inputs.notChecked,
    });
    // Outside every deployed history the walk from the serving build does not reach the commit: its count needs the whole graph.
    const inHistory = ancestry.graph.knows(sha);
    const services = provenance.services.map((s) =>
      !inHistory && s.status === 'not-deployed' && s.serving && lookup.full(s.serving.commit) ? { ...s, behindBy: null, behindPending: true as const } : s,
    );
    commits.set(sha, { ...provenance, services });
  }
  return { commits, awaiting, runsAwaiting, resultsAwaiting };
}
