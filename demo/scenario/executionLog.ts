/** The execution log (prediction_execution_log): one row per model and date of every run, failed ones included. */
import { Random } from '../random';
import { artifactAt, type ModelsStage } from '../sources/models';
import type { ExecutionRow } from './rows';
import { commitOf, usesDefaultFeatures, type Cell } from './runs';
import type { Slate } from './slates';

function uuidFrom(rng: Random): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The models.py each revision's commit carries (the fix changed the worker, not the registry). */
const MODELS_STAGE_OF_ROLE: Record<string, ModelsStage> = {
  initial: 'initial',
  similarityZone: 'similarityZone',
  earlyBuild: 'earlyBuild',
  preFixBuild: 'preFix',
  fix: 'preFix',
  v9Variant: 'v9Variant',
  v9Retrain: 'v9Retrain',
};

function modelsStageOf(role: string): ModelsStage {
  const stage = MODELS_STAGE_OF_ROLE[role];
  if (!stage) throw new Error(`No models.py stage for the commit role ${role}: add it to MODELS_STAGE_OF_ROLE`);
  return stage;
}

/** `vegas`: whether a player had a Vegas line in the feature store on a date (`date|player`). */
export function executionLogRows(cells: Cell[], slates: Slate[], vegas: Map<string, boolean>, shas: Record<string, string>): ExecutionRow[] {
  const slateOf = new Map(slates.map((s) => [s.date, s]));
  const executionLog: ExecutionRow[] = [];
  const execRng = Random.stream('execution-log');
  for (const c of cells) {
    const defaults = usesDefaultFeatures(c);
    const withLine = c.players.filter((p) => vegas.get(`${c.date}|${p.lookup}`)).length;
    executionLog.push({
      execution_id: uuidFrom(execRng),
      batch_id: c.batchId,
      build_commit_sha: commitOf(shas, c.revision),
      deployment_revision: c.revision.revision,
      execution_start_timestamp: c.start,
      execution_end_timestamp: c.start + c.duration * 1000,
      duration_seconds: c.duration,
      game_date: c.date,
      system_id: c.system,
      players_requested: c.kind === 'backfill' ? c.players.length : slateOf.get(c.date)!.pool.length,
      players_predicted: c.players.length,
      status: c.failed ? 'failed' : 'success',
      error_message: c.failed ? 'google.api_core.exceptions.ServiceUnavailable: 503 nba_precompute.player_shot_zone_analysis: backend error' : null,
      error_count: c.failed ? 1 : 0,
      avg_feature_quality_score: c.failed ? null : Math.round((defaults ? execRng.uniform(73.5, 77) : execRng.uniform(90.5, 96)) * 10) / 10,
      pct_with_vegas_line: c.failed ? null : defaults ? 0 : Math.round((1000 * withLine) / Math.max(1, c.players.length)) / 10,
      pct_with_ppm: c.failed ? null : defaults ? 0 : 100,
      pct_with_shot_zones: c.failed ? null : Math.round(execRng.uniform(86, 97) * 10) / 10,
      feature_source_mode: c.kind === 'backfill' ? 'backfill' : 'daily',
      orchestration_run_id: c.orchestration,
      model_artifact: artifactAt(modelsStageOf(c.revision.commitRole), c.system),
    });
  }
  return executionLog;
}
