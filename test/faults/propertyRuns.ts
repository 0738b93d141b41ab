import fc from 'fast-check';

/**
 * Generated inputs per property of the fault suite, in one place so they can be tuned
 * against the suite's time budget (< 20 s on two cores, plus the generated git histories of
 * verifyProperties.test.ts and about a second per generated pipeline of plantedCauses). `PIPELINE_LENS_PROPERTY_SCALE` multiplies every count, e.g. 10
 * for a long soak run; the suite as committed runs at 1. Each property counts the inputs it
 * actually checked while it runs and fails when they fall short of its count (below).
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
  servingSetHistories: 10_000,
  // Each run is a real verification over a generated deployment list: a handful of git processes.
  servingVerifyRuns: 40,
  // Each run generates a git history and verifies three deployed/target pairs in it.
  verifyHistories: 16,
  // Each is a whole pipeline (git, four tables, a full investigation on the embedded engine).
  plantedCauses: 24,
  // Pure arithmetic on generated group counts.
  rateDecompositionPlanted: 3_000,
} as const;

export type PropertyName = keyof typeof PROPERTY_RUNS;

/**
 * fast-check parameters for a property: its share of the budget, a seed from the environment
 * when reproducing a failure, and a plugin that counts the inputs checked as they run.
 */
export function runs(name: PropertyName): { numRuns: number; seed?: number; plugins: Array<fc.Plugin<unknown>> } {
  const seed = process.env.PIPELINE_LENS_PROPERTY_SEED;
  const numRuns = Math.max(1, Math.round(PROPERTY_RUNS[name] * SCALE));
  return { numRuns, ...(seed ? { seed: Number(seed) } : {}), plugins: [countChecked(name, numRuns)] };
}

/**
 * Counts the generated inputs whose predicate ran to an answer (inputs a precondition
 * skipped do not count) and, once the property passed, fails it when fewer than `expected`
 * were checked: a property that quietly checks a fraction of its budget is caught here, not
 * by adding up the table above. Prints the count either way.
 */
function countChecked(name: PropertyName, expected: number): fc.Plugin<unknown> {
  return () => {
    let checked = 0;
    const counted = <T>(outcome: T): T => {
      if (!fc.PreconditionFailure.isFailure(outcome)) checked += 1;
      return outcome;
    };
    return {
      decorateRun: (run) => (value) => {
        const outcome = run(value);
        return outcome instanceof Promise ? outcome.then(counted) : counted(outcome);
      },
      onAllRunsComplete: (details) => {
        console.log(`property ${name}: ${checked} generated input(s) checked${details.failed ? ' (failed)' : ''}`);
        if (!details.failed && checked < expected) {
          throw new Error(`Property ${name} checked ${checked} generated input(s), fewer than the ${expected} it is budgeted for; look for preconditions that skip most inputs.`);
        }
      },
    };
  };
}
