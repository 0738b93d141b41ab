import { existsSync } from 'node:fs';

const HOLD_POLL_MS = 25;

/**
 * Faults the integration tests inject into a real server process, read from the
 * environment only when NODE_ENV is `test`, so a user's environment can never turn them on:
 * `PIPELINE_LENS_TEST_WAREHOUSE=hang` (queries never answer until aborted),
 * `hang:<query name>` (only that catalog query hangs), `fail` (every query fails),
 * `delay:<ms>`, or `hold:<file>` (the warehouse opens only once that file exists, so a test
 * decides when it answers, whatever the machine's load).
 */
export type WarehouseFault = { kind: 'hang'; only?: string } | { kind: 'fail' } | { kind: 'delay'; ms: number } | { kind: 'hold'; until: string } | null;

/** Settles once `file` exists: how a test releases a warehouse held by `hold:<file>`. */
export async function untilExists(file: string): Promise<void> {
  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, HOLD_POLL_MS));
}

export function warehouseFault(env: NodeJS.ProcessEnv = process.env): WarehouseFault {
  if (env.NODE_ENV !== 'test') return null;
  const value = env.PIPELINE_LENS_TEST_WAREHOUSE ?? '';
  if (value === 'hang') return { kind: 'hang' };
  if (value === 'fail') return { kind: 'fail' };
  const hangOne = /^hang:(\w+)$/.exec(value);
  if (hangOne) return { kind: 'hang', only: hangOne[1] };
  const hold = /^hold:(.+)$/.exec(value);
  if (hold) return { kind: 'hold', until: hold[1] };
  const delay = /^delay:(\d+)$/.exec(value);
  return delay ? { kind: 'delay', ms: Number(delay[1]) } : null;
}
