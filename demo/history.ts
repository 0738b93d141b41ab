/**
 * The demo repository's history and the prediction-worker's deployments, at the times the
 * incident record gives (DOMAIN.md). Each commit lists the files it writes; files that name
 * SHAs (deployment history, handoff note) are written from the SHAs of earlier commits.
 */
import { backfillPredictionsPy } from './sources/backfillJob';
import { featureLoaderPy } from './sources/featureLoader';
import { featureStoreProcessorPy } from './sources/featureStoreProcessor';
import { modelsPy } from './sources/models';
import { deployScript, orchestrationYaml } from './sources/operations';
import { architectureDoc, backfillRunbook, gitignore } from './sources/repositoryDocs';
import { workerDockerfile, workerPy, workerRequirements } from './sources/worker';
import { deploymentsJson, handoffNote, processorDeploymentsJson, investigationSql, pipelineLensConfig, workspaceReadme } from './workspaceDocs';

export interface Person {
  name: string;
  email: string;
}

export const PEOPLE = {
  dana: { name: 'Dana Whitfield', email: 'dana.whitfield@courtside.example' },
  ravi: { name: 'Ravi Menon', email: 'ravi.menon@courtside.example' },
  tomas: { name: 'Tomás Ibarra', email: 'tomas.ibarra@courtside.example' },
  priya: { name: 'Priya Nair', email: 'priya.nair@courtside.example' },
} satisfies Record<string, Person>;

export const PATHS = {
  worker: 'predictions/worker/worker.py',
  loader: 'predictions/worker/feature_loader.py',
  dockerfile: 'predictions/worker/Dockerfile',
  requirements: 'predictions/worker/requirements.txt',
  processor: 'data_processors/precompute/ml_feature_store/feature_store_processor.py',
  backfill: 'backfill_jobs/predictions/backfill_predictions.py',
  models: 'shared/config/models.py',
  deploy: 'bin/deploy-prediction-worker.sh',
  orchestration: 'orchestration/daily_predictions.yaml',
  deployments: 'deployments/prediction-worker.json',
  processorDeployments: 'deployments/feature-store-processor.json',
  config: 'pipeline-lens.json',
  handoff: 'docs/handoffs/2026-02-02-prediction-regression.md',
} as const;

/** Files that must be committed with the executable bit. */
export const EXECUTABLE_PATHS: readonly string[] = [PATHS.deploy];

export interface HistoryContext {
  /** Role → full SHA, for every commit made so far. */
  shas: Record<string, string>;
}

export interface PlannedCommit {
  role: string;
  date: string;
  author: Person;
  message: string;
  files(context: HistoryContext): Record<string, string>;
}

export const COMMITS: readonly PlannedCommit[] = [
  {
    role: 'initial',
    date: '2025-11-01T09:12:00Z',
    author: PEOPLE.dana,
    message: `Import the prediction pipeline (phases 4-5) into one repository

The feature store processor, the prediction worker and its model registry
lived in three repositories; deploying one without the others kept biting us.`,
    files: () => ({
      '.gitignore': gitignore(),
      [PATHS.worker]: workerPy('initial'),
      [PATHS.loader]: featureLoaderPy('initial'),
      [PATHS.dockerfile]: workerDockerfile(),
      [PATHS.requirements]: workerRequirements(),
      [PATHS.processor]: featureStoreProcessorPy('initial'),
      [PATHS.backfill]: backfillPredictionsPy('initial'),
      [PATHS.models]: modelsPy('initial'),
      [PATHS.deploy]: deployScript(),
      'docs/architecture.md': architectureDoc(),
    }),
  },
  {
    role: 'opponentFeatures',
    date: '2025-11-12T16:20:00Z',
    author: PEOPLE.ravi,
    message: `feat(features): opponent defence, opponent pace and points per minute (29-32)`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('opponent') }),
  },
  {
    role: 'similarityZone',
    date: '2025-11-24T15:52:00Z',
    author: PEOPLE.tomas,
    message: `feat(worker): similarity_balanced_v1 and zone_matchup_v1

Both need shot-zone profiles, loaded once per request.`,
    files: () => ({ [PATHS.worker]: workerPy('similarityZone'), [PATHS.models]: modelsPy('similarityZone') }),
  },
  {
    role: 'backfillRunbook',
    date: '2025-12-03T10:05:00Z',
    author: PEOPLE.priya,
    message: `docs: runbook for backfilling predictions`,
    files: () => ({ 'docs/runbooks/backfill.md': backfillRunbook() }),
  },
  {
    role: 'backfillModeWiden',
    date: '2025-12-10T11:26:00Z',
    author: PEOPLE.ravi,
    message: `feat(features): backfill_mode covers every player with recent minutes

Training needs the players the books ignore: the list goes from players with a
line (150-200 a date) to everyone with minutes in the last 30 days (500+).`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('widen') }),
  },
  {
    role: 'usageSpikeBreak',
    date: '2025-12-15T10:02:00Z',
    author: PEOPLE.ravi,
    message: `refactor(features): read usage and pace inputs from player_daily_cache

player_composite_factors is computed after the feature store on busy nights;
the daily cache is always ready.`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('usageBreak') }),
  },
  {
    role: 'earlyBuild',
    date: '2025-12-22T16:30:00Z',
    author: PEOPLE.tomas,
    message: `feat(worker): ensemble_v1_1 with recalibrated weights`,
    files: () => ({ [PATHS.worker]: workerPy('earlyBuild'), [PATHS.models]: modelsPy('earlyBuild') }),
  },
  {
    role: 'preFixBuild',
    date: '2026-01-08T16:05:00Z',
    author: PEOPLE.tomas,
    message: `feat(worker): catboost_v9 and a name-based feature loader

catboost_v9 reads its features by name. catboost_v8 keeps its positional
vector; its Vegas, opponent and ppm group is joined from the context table.`,
    files: () => ({
      [PATHS.worker]: workerPy('preFix'),
      [PATHS.loader]: featureLoaderPy('preFix'),
      [PATHS.models]: modelsPy('preFix'),
    }),
  },
  {
    role: 'orchestration',
    date: '2026-01-09T09:30:00Z',
    author: PEOPLE.priya,
    message: `feat(orchestration): run phase 5 daily at 15:00 UTC`,
    files: () => ({ [PATHS.orchestration]: orchestrationYaml() }),
  },
  {
    role: 'paceBreak',
    date: '2026-01-12T10:30:00Z',
    author: PEOPLE.ravi,
    message: `perf(features): vectorise the pace and usage computations`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('paceBreak') }),
  },
  {
    role: 'paceFix',
    date: '2026-01-23T11:00:00Z',
    author: PEOPLE.ravi,
    message: `fix(features): pace_score was written as 0 since the vectorisation

Floor division on the product of two paces rounds everything below 10000 to 0.`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('paceFix') }),
  },
  {
    role: 'fix',
    date: '2026-01-30T03:17:00Z',
    author: PEOPLE.dana,
    message: `fix(worker): populate vegas/opponent/ppm features 25-32

Since the name-based loader (catboost_v9), catboost_v8's vector got the
defaults for features 25-32 instead of the store's values: has_vegas_line = 0.0
and ppm = 0.4 for every player, errors of up to +29 points. The worker now
passes all 33 features and refuses to predict a player whose group 25-32 fell
back to defaults.`,
    files: () => ({ [PATHS.worker]: workerPy('fix'), [PATHS.loader]: featureLoaderPy('fix') }),
  },
  {
    role: 'backfillScript',
    date: '2026-01-30T07:20:00Z',
    author: PEOPLE.dana,
    message: `feat(backfill): regenerate a date range and mark the replaced rows superseded`,
    files: () => ({ [PATHS.backfill]: backfillPredictionsPy('range') }),
  },
  {
    role: 'vegasSourceChange',
    date: '2026-01-31T09:40:00Z',
    author: PEOPLE.ravi,
    message: `feat(features): take Vegas lines from phase 3 context

One source of truth for lines. The daily job also runs in backfill mode until
the January dates are regenerated.`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('vegasChange') }),
  },
  {
    role: 'usageSpikeFix',
    date: '2026-01-31T18:20:00Z',
    author: PEOPLE.ravi,
    message: `fix(features): usage_spike_score read a column player_daily_cache never had

100% zeros since 2025-12-15.`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('usageFix') }),
  },
  {
    role: 'vegasSourceFix',
    date: '2026-01-31T22:15:00Z',
    author: PEOPLE.priya,
    message: `fix(features): backfill mode reads raw odds (odds API, then BettingPros)

Phase 3 only has lines for the players it expects; with backfill mode's 500+
players, Vegas coverage fell from 99.4% to 43.4%. BettingPros needs
market_type = 'points'.`,
    files: () => ({ [PATHS.processor]: featureStoreProcessorPy('vegasFix') }),
  },
  {
    role: 'v9Variant',
    date: '2026-02-01T10:48:00Z',
    author: PEOPLE.tomas,
    message: `feat(models): register catboost_v9_2026_02`,
    files: () => ({ [PATHS.models]: modelsPy('v9Variant') }),
  },
  {
    role: 'v9Retrain',
    date: '2026-02-02T17:48:00Z',
    author: PEOPLE.tomas,
    message: `feat(models): V9_FEB_RETRAIN serves catboost_v9

Trained 2025-11-02..2026-01-31 (holdout MAE 4.12, hit rate 74.6%).
catboost_v9_2026_02 (trained to 2026-01-24: MAE 5.08, hit rate 50.8%) was
registered yesterday by mistake; disabled.`,
    files: () => ({ [PATHS.models]: modelsPy('v9Retrain') }),
  },
  {
    role: 'lensSetup',
    date: '2026-02-02T21:05:00Z',
    author: PEOPLE.dana,
    message: `chore: pipeline-lens config, deployment history and investigation queries`,
    files: (ctx) => ({
      [PATHS.config]: pipelineLensConfig(),
      [PATHS.deployments]: deploymentsJson(ctx.shas),
      [PATHS.processorDeployments]: processorDeploymentsJson(ctx.shas),
      ...investigationSql(),
      'README.md': workspaceReadme(),
    }),
  },
  {
    role: 'docsOnly',
    date: '2026-02-02T22:40:00Z',
    author: PEOPLE.dana,
    message: `docs: handoff for the January prediction regression`,
    files: (ctx) => ({ [PATHS.handoff]: handoffNote(ctx.shas, null) }),
  },
  {
    role: 'undeployedWorker',
    date: '2026-02-03T09:55:00Z',
    author: PEOPLE.tomas,
    message: `feat(worker): retry feature loads on transient BigQuery errors`,
    files: () => ({ [PATHS.loader]: featureLoaderPy('retry') }),
  },
];
