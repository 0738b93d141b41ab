/**
 * Generated inputs per property of the fault suite, in one place so the total can be
 * checked (propertyBudget.test.ts) and tuned against the suite's time budget (< 20 s on
 * two cores, plus about a second per generated pipeline of plantedCauses). `PIPELINE_LENS_PROPERTY_SCALE` multiplies every count, e.g. 10 for a long
 * soak run; the suite as committed runs at 1.
 */
const SCALE = Math.max(0.01, Number(process.env.PIPELINE_LENS_PROPERTY_SCALE ?? '1') || 1);

export const PROPERTY_RUNS = {
  configArbitraryJson: 10_000,
  configMutations: 9_000,
  configValidRoundTrip: 3_000,
  configValidFromFile: 200,
  configTextFromFile: 300,
  tokenizerRoundTrip: 18_000,
  tokenizerSqlDense: 10_000,
  rewriterNeverThrows: 10_000,
  rewriterStringsPreserved: 8_000,
  classifyNeverThrows: 10_000,
  classifyHiddenWrites: 8_000,
  classifyQueriesStayQueries: 4_000,
  shaScannerRanges: 12_000,
  shaScannerPlanted: 5_000,
  featureOffsetsNeverThrow: 5_000,
  featureOffsetsPlanted: 5_000,
  // Each is a whole pipeline (git, four tables, a full investigation on the embedded engine).
  plantedCauses: 24,
} as const;

export type PropertyName = keyof typeof PROPERTY_RUNS;

/** fast-check parameters for a property: its share of the budget, and a seed from the environment when reproducing a failure. */
export function runs(name: PropertyName): { numRuns: number; seed?: number } {
  const seed = process.env.PIPELINE_LENS_PROPERTY_SEED;
  return { numRuns: Math.max(1, Math.round(PROPERTY_RUNS[name] * SCALE)), ...(seed ? { seed: Number(seed) } : {}) };
}

export const MINIMUM_GENERATED_INPUTS = 100_000;
