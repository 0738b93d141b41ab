import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { readFileSync } from 'node:fs';
import { decideEndpoint, NO_CREDENTIAL_HOSTS, type CredentialHosts } from '../../credentials/endpointPolicy';
import { WarehouseError } from '../types';

export const GOOGLE_BIGQUERY_ENDPOINT = 'https://bigquery.googleapis.com';

export interface BigQueryClientSettings {
  project: string;
  location: string;
  /** null: Google's endpoint. */
  apiEndpoint: string | null;
  keyFilename: string | null;
  /** pipeline-lens.json, for messages. */
  configFile: string;
  /** Where in it the warehouse is set, for messages: `warehouse` or a profile's `warehouses.<name>`. */
  configKey?: string;
  /** Hosts the user allows credentials to go to (never read from the workspace). */
  credentialHosts?: CredentialHosts;
}

export interface BigQueryClient {
  client: BigQuery;
  /** Where requests go (scheme, host, port). */
  endpoint: string;
  /** Whether requests carry Google credentials. */
  credentials: boolean;
}

/**
 * The BigQuery client for a profile, talking to exactly the endpoint the profile names,
 * with credentials only where the user allowed them (credentials/endpointPolicy); a
 * refused endpoint fails here, before any request.
 *
 * - `BIGQUERY_EMULATOR_HOST`, when set, overrides even an explicit `apiEndpoint` inside the
 *   client's constructor, and would receive the credentials. A variable left over from
 *   some other tool must not send a team's queries elsewhere, so it is hidden while the
 *   client is built, and the base URL is checked afterwards.
 * - An endpoint that gets no credentials gets a PassThroughClient: without it, the client
 *   would look up Application Default Credentials and send the token anyway.
 * - The client's own retries are off, and its `timeout` option is not relied on (its HTTP
 *   layer ignores it): BigQueryWarehouse owns both (retryPolicy, requestDeadline).
 */
export function createBigQueryClient(settings: BigQueryClientSettings): BigQueryClient {
  const decision = decideEndpoint({
    configured: settings.apiEndpoint,
    googleEndpoint: GOOGLE_BIGQUERY_ENDPOINT,
    configKey: `${settings.configKey ?? 'warehouse'}.apiEndpoint`,
    configFile: settings.configFile,
    api: 'BigQuery',
    trust: settings.credentialHosts ?? NO_CREDENTIAL_HOSTS,
  });
  if (decision.kind === 'refuse') throw new WarehouseError(decision.message, 'endpoint-refused');
  const { url: endpoint, credentials } = decision;
  if (credentials && settings.keyFilename) checkKeyFile(settings.keyFilename);
  const client = withoutEmulatorHost(
    () =>
      new BigQuery({
        projectId: settings.project,
        location: settings.location,
        apiEndpoint: endpoint,
        ...(!credentials ? { authClient: new PassThroughClient() } : settings.keyFilename ? { keyFilename: settings.keyFilename } : {}),
        retryOptions: { autoRetry: false, maxRetries: 0 },
        userAgent: 'pipeline-lens',
      }),
  );
  const expected = `${endpoint}/bigquery/v2`;
  if (client.baseUrl !== expected) {
    throw new WarehouseError(
      `The BigQuery client would send requests to ${client.baseUrl} instead of ${expected}; refusing to run. Unset BIGQUERY_EMULATOR_HOST, or set ${settings.configKey ?? 'warehouse'}.apiEndpoint in pipeline-lens.json.`,
      'config',
    );
  }
  return { client, endpoint, credentials };
}

/**
 * A key file named by the workspace must be a service-account key. Other credential
 * files (external_account, impersonated_service_account...) tell Google's library which
 * local file to read or URL to call and where to send what it read: a cloned repository
 * could use one to send the user's own credentials to a host of its choosing.
 */
function checkKeyFile(path: string): void {
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown } | null)?.type;
  } catch {
    // Unreadable or not JSON: the client's own error, translated, says so (see bigqueryErrors).
    return;
  }
  if (type !== 'service_account') {
    throw new WarehouseError(
      `warehouse.keyFilename in pipeline-lens.json names ${path}, a credential file of type ${JSON.stringify(type ?? null)}; only a service-account key (type "service_account") is accepted there, ` +
        "because other credential files make Google's library read local files or call URLs the file chooses. Use a service-account key, or remove keyFilename and set GOOGLE_APPLICATION_CREDENTIALS in your own environment.",
      'no-credentials',
    );
  }
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
