import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { WarehouseError } from './types';

export const GOOGLE_BIGQUERY_ENDPOINT = 'https://bigquery.googleapis.com';

export interface BigQueryClientSettings {
  project: string;
  location: string;
  /** null: Google's endpoint. */
  apiEndpoint: string | null;
  keyFilename: string | null;
  /** Transport-level retries of 5xx, 429 and dropped connections (the client's own). */
  transportRetries: number;
  /** Per HTTP request; result polls return well within it. */
  requestTimeoutMs: number;
}

/**
 * The BigQuery client for a profile, talking to exactly the endpoint the profile names.
 *
 * - `BIGQUERY_EMULATOR_HOST`, when set, overrides even an explicit `apiEndpoint` inside the
 *   client's constructor. A variable left over from some other tool must not send a
 *   team's queries elsewhere, so it is hidden while the client is built, and the base URL
 *   is checked afterwards.
 * - An `http://` endpoint (an emulator or a test fake) is sent no credentials at all:
 *   tokens never travel unencrypted, and a machine with gcloud credentials does not leak
 *   them to a local server.
 * - Retries are set on purpose: the client retries 5xx and 429 on its own (a few times,
 *   briefly, so a dead endpoint fails in seconds, not minutes); quota and rate-limit
 *   refusals arrive as 403, which it does not retry, so BigQueryWarehouse does.
 */
export function createBigQueryClient(settings: BigQueryClientSettings): { client: BigQuery; endpoint: string } {
  const endpoint = (settings.apiEndpoint ?? GOOGLE_BIGQUERY_ENDPOINT).replace(/\/+$/, '');
  const plainHttp = endpoint.startsWith('http://');
  // The client's base class honours `timeout`, though BigQueryOptions does not declare it.
  const timeout = { timeout: settings.requestTimeoutMs } as Partial<BigQueryOptions>;
  const client = withoutEmulatorHost(
    () =>
      new BigQuery({
        ...timeout,
        projectId: settings.project,
        location: settings.location,
        apiEndpoint: endpoint,
        ...(plainHttp ? { authClient: new PassThroughClient() } : settings.keyFilename ? { keyFilename: settings.keyFilename } : {}),
        retryOptions: {
          autoRetry: settings.transportRetries > 0,
          // The client reads 0 as "use the default of 3"; autoRetry false is what turns retries off.
          maxRetries: Math.max(1, settings.transportRetries),
          retryDelayMultiplier: 2,
          maxRetryDelay: 8,
          totalTimeout: 120,
        },
        userAgent: 'pipeline-lens',
      }),
  );
  const expected = `${endpoint}/bigquery/v2`;
  if (client.baseUrl !== expected) {
    throw new WarehouseError(
      `The BigQuery client would send requests to ${client.baseUrl} instead of ${expected}; refusing to run. Unset BIGQUERY_EMULATOR_HOST, or set warehouse.apiEndpoint in pipeline-lens.json.`,
      'config',
    );
  }
  return { client, endpoint };
}

function withoutEmulatorHost<T>(make: () => T): T {
  const saved = process.env.BIGQUERY_EMULATOR_HOST;
  if (saved === undefined) return make();
  delete process.env.BIGQUERY_EMULATOR_HOST;
  try {
    return make();
  } finally {
    process.env.BIGQUERY_EMULATOR_HOST = saved;
  }
}
