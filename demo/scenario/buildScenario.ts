/**
 * The warehouse of the demo: five tables that reproduce the incident record (DOMAIN.md).
 *
 * Shape of the story in data:
 * - a slate of 150-200 expected players per game date, 2025-11-01 .. 2026-02-02;
 * - the feature store in backfill mode for November (regenerated on Dec 11 with the widened
 *   player list) and from Jan 31 (the daily job switched to backfill mode), daily otherwise;
 * - daily prediction runs at ~15:00 UTC on whatever revision served then, the catboost_v8
 *   backfill of Jan 9-28 at 07:41-08:37 on Jan 30 (old build), and a manual catboost_v9 run
 *   after V9_FEB_RETRAIN went live on Feb 2;
 * - grading chosen per model and date so the record's counts come out exactly.
 * Volumes and right/wrong calls are fixed by construction (exact counts, then shuffled), so
 * the figures do not depend on luck.
 */
import { gameDates } from './calendar';
import { executionLogRows } from './executionLog';
import { expectedRows } from './expectedPlayers';
import { buildFeatureStore } from './featureStore';
import { buildOutcomes, gradedCounts } from './grading';
import { predictionRows } from './predictions';
import type { CalibrationReport, ScenarioTables } from './rows';
import { buildCells } from './runs';
import { forgetPairFacts, makePlayers, makeSlates } from './slates';

export function buildScenario(shas: Record<string, string>): { tables: ScenarioTables; calibration: CalibrationReport[] } {
  forgetPairFacts();
  const dates = gameDates();
  const players = makePlayers();
  const slates = makeSlates(players, dates);
  const cells = buildCells(slates);
  const graded = gradedCounts(cells);
  const calibration: CalibrationReport[] = [];
  const outcomes = buildOutcomes(cells, graded, calibration);
  const { rows: featureStore, vegas } = buildFeatureStore(slates, cells, shas);
  const { predictions, accuracy } = predictionRows(cells, outcomes, featureStore, shas);
  const executionLog = executionLogRows(cells, slates, vegas, shas);
  const expected = expectedRows(slates, cells);
  return { tables: { predictions, accuracy, featureStore, executionLog, expected }, calibration };
}
