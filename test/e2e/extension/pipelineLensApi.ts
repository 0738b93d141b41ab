import * as assert from 'node:assert/strict';
import type { PipelineLensApi, StartedApi } from '../../../src/extension/api';
import { extension } from './support';

/** The build before the fix (deployed Jan 8 as prediction-worker-00067-tz9). */
export const PRE_FIX_SHA = '62c12d62';

/** The extension's API once its language server runs (activate() returns it; see src/extension/api.ts). */
export async function startedApi(): Promise<StartedApi> {
  const api = (await extension().activate()) as PipelineLensApi;
  assert.equal(api.restricted, false, 'the runner opens a trusted workspace');
  return api.started;
}
