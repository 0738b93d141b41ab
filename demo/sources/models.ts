/** The model registry of prediction-worker: which systems run, from which artifacts. */
import { atLeast } from './stages';

export type ModelsStage = 'initial' | 'similarityZone' | 'earlyBuild' | 'preFix' | 'v9Variant' | 'v9Retrain';
const MODELS_ORDER: ModelsStage[] = ['initial', 'similarityZone', 'earlyBuild', 'preFix', 'v9Variant', 'v9Retrain'];

/** The model files of the registry, as models.py and the execution log name them. */
export const MODEL_ARTIFACTS = {
  catboostV8: 'gs://courtside-models/catboost_v8/model_20251020.cbm',
  similarity: 'gs://courtside-models/similarity/balanced_v1.parquet',
  zone: 'gs://courtside-models/zone/matchup_v1.json',
  v9January: 'gs://courtside-models/catboost_v9/model_20260105.cbm',
  v9Variant: 'gs://courtside-models/catboost_v9/v9_20260124.cbm',
  v9FebRetrain: 'gs://courtside-models/catboost_v9/v9_feb_retrain_20260131.cbm',
} as const;

/** The file a system loaded at a stage of models.py; null for ensembles and baselines, which load none. */
export function artifactAt(stage: ModelsStage, system: string): string | null {
  switch (system) {
    case 'catboost_v8':
      return MODEL_ARTIFACTS.catboostV8;
    case 'similarity_balanced_v1':
      return MODEL_ARTIFACTS.similarity;
    case 'zone_matchup_v1':
      return MODEL_ARTIFACTS.zone;
    case 'catboost_v9':
      return atLeast(MODELS_ORDER, stage, 'v9Retrain') ? MODEL_ARTIFACTS.v9FebRetrain : MODEL_ARTIFACTS.v9January;
    case 'catboost_v9_2026_02':
      return MODEL_ARTIFACTS.v9Variant;
    default:
      return null;
  }
}

export function modelsPy(stage: ModelsStage): string {
  const since = (s: ModelsStage) => atLeast(MODELS_ORDER, stage, s);
  const entries: string[] = [
    `    ModelSpec("catboost_v8", "catboost", "gs://courtside-models/catboost_v8/model_20251020.cbm",
              feature_set="v8", trained="2024-10-22..2025-10-15"),`,
    `    ModelSpec("ensemble_v1", "ensemble", None, feature_set="v8",
              members=("catboost_v8", "moving_average"), weights=(0.7, 0.3)),`,
    `    ModelSpec("moving_average", "baseline", None, feature_set="none",
              notes="mean of the last 10 games; the floor every model must beat"),`,
  ];
  if (since('similarityZone')) {
    entries.push(
      `    ModelSpec("similarity_balanced_v1", "similarity", "gs://courtside-models/similarity/balanced_v1.parquet",
              feature_set="similarity", needs_shot_zones=True),`,
      `    ModelSpec("zone_matchup_v1", "zone", "gs://courtside-models/zone/matchup_v1.json",
              feature_set="zone", needs_shot_zones=True),`,
    );
  }
  if (since('earlyBuild')) {
    entries.push(
      `    ModelSpec("ensemble_v1_1", "ensemble", None, feature_set="v8",
              members=("catboost_v8", "similarity_balanced_v1", "moving_average"), weights=(0.6, 0.25, 0.15),
              notes="weights recalibrated on 2025-11-01..2025-12-20"),`,
    );
  }
  if (since('preFix')) {
    if (since('v9Retrain')) {
      entries.push(
        `    # V9_FEB_RETRAIN: trained 2025-11-02..2026-01-31; holdout MAE 4.12, hit rate 74.6%.
    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/v9_feb_retrain_20260131.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-31", model_name="V9_FEB_RETRAIN"),`,
        `    # Trained to 2026-01-24 only (MAE 5.08, hit rate 50.8%): registered by mistake on 2026-02-01.
    ModelSpec("catboost_v9_2026_02", "catboost", "gs://courtside-models/catboost_v9/v9_20260124.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-24", enabled=False),`,
      );
    } else if (since('v9Variant')) {
      entries.push(
        `    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/model_20260105.cbm",
              feature_set="v9", trained="2025-10-01..2026-01-04", enabled=False,
              notes="replaced by catboost_v9_2026_02"),`,
        `    ModelSpec("catboost_v9_2026_02", "catboost", "gs://courtside-models/catboost_v9/v9_20260124.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-24"),`,
      );
    } else {
      entries.push(
        `    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/model_20260105.cbm",
              feature_set="v9", trained="2025-10-01..2026-01-04"),`,
      );
    }
  }
  return `"""Model registry of the prediction worker: every enabled entry runs on every request.

A model is identified in the tables by system_id only; when an artifact is retrained under
the same system_id, build_commit_sha is what tells the rows apart.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelSpec:
    system_id: str
    kind: str
    artifact: str | None
    feature_set: str = "v8"
    trained: str | None = None
    enabled: bool = True
    members: tuple = ()
    weights: tuple = ()
    needs_shot_zones: bool = False
    model_name: str | None = None
    notes: str = ""
    feature_names: tuple = field(default=())


MODELS = [
${entries.join('\n')}
]


def active_models():
    return [m for m in MODELS if m.enabled]
`;
}
