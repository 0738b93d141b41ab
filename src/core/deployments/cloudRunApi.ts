import { GoogleAuth, PassThroughClient } from 'google-auth-library';
import { decideEndpoint, NO_CREDENTIAL_HOSTS, type CredentialHosts } from '../credentials/endpointPolicy';
import type { RunRevisionListV2, RunRevisionV2, RunServiceV2 } from './cloudRunResources';
import { DeploymentError } from './types';

export const GOOGLE_RUN_ENDPOINT = 'https://run.googleapis.com';

/** Application Default Credentials are not set up: the caller may try gcloud instead. */
export class NoCredentialsError extends DeploymentError {}

export interface CloudRunTarget {
  project: string;
  region: string;
  service: string;
  /** null: Google's endpoint. */
  apiEndpoint: string | null;
}

export interface AdminApiAccess {
  /** pipeline-lens.json, for messages. */
  configFile: string;
  /** Hosts the user allows credentials to go to, when `apiEndpoint` is not Google's. */
  credentialHosts?: CredentialHosts;
}

interface HttpClient {
  request<T>(options: { url: string; method: 'GET'; params?: Record<string, string | number>; timeout?: number; retry?: boolean }): Promise<{ data: T }>;
}

const PAGE_SIZE = 100;
const TIMEOUT_MS = 30_000;

/**
 * A service and all its revisions from the Cloud Run Admin API v2 (services.get,
 * revisions.list with paging), with Application Default Credentials. As for BigQuery, an
 * endpoint other than Google's gets credentials only when the user allowed its host
 * (credentials/endpointPolicy); a loopback one (a test fake) is used without them, and
 * any other is refused before a request is made. Each request is answered within 30 s
 * (gaxios enforces its timeout) or abandoned.
 */
export async function fetchFromAdminApi(target: CloudRunTarget, access: AdminApiAccess): Promise<{ service: RunServiceV2; revisions: RunRevisionV2[] }> {
  const decision = decideEndpoint({
    configured: target.apiEndpoint,
    googleEndpoint: GOOGLE_RUN_ENDPOINT,
    configKey: 'services[].deployments.apiEndpoint',
    configFile: access.configFile,
    api: 'Cloud Run Admin API',
    trust: access.credentialHosts ?? NO_CREDENTIAL_HOSTS,
  });
  if (decision.kind === 'refuse') throw new DeploymentError(decision.message);
  const endpoint = decision.url;
  const client: HttpClient = decision.credentials ? new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }) : new PassThroughClient();
  const base = `${endpoint}/v2/projects/${encodeURIComponent(target.project)}/locations/${encodeURIComponent(target.region)}/services/${encodeURIComponent(target.service)}`;
  const get = async <T>(url: string, params?: Record<string, string | number>): Promise<T> => {
    try {
      return (await client.request<T>({ url, method: 'GET', params, timeout: TIMEOUT_MS, retry: true })).data;
    } catch (error) {
      throw explain(error, target, endpoint);
    }
  };

  const service = await get<RunServiceV2>(base);
  const revisions: RunRevisionV2[] = [];
  let pageToken: string | undefined;
  do {
    const page = await get<RunRevisionListV2>(`${base}/revisions`, { pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) });
    revisions.push(...(page.revisions ?? []));
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  return { service, revisions };
}

function explain(error: unknown, target: CloudRunTarget, endpoint: string): DeploymentError {
  const e = error as { name?: string; message?: string; code?: string | number; status?: number; response?: { status?: number; data?: { error?: { message?: string } } } };
  const status = e.response?.status ?? e.status;
  const message = (e.response?.data?.error?.message ?? e.message ?? String(error)).replace(/\.$/, '');
  const where = `service ${target.service} in project ${target.project}, region ${target.region}`;
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(message)) {
    return new NoCredentialsError(
      'No Google Cloud credentials for the Cloud Run Admin API. Run `gcloud auth application-default login`, or install gcloud and `gcloud auth login` (it is used when Application Default Credentials are missing).',
    );
  }
  if (/invalid_grant|invalid_rapt|reauth|Could not refresh access token/i.test(message)) {
    return new NoCredentialsError(`The Google Cloud credentials have expired or were revoked (${message}). Run \`gcloud auth application-default login\` again.`);
  }
  if (status === 401) return new DeploymentError(`Cloud Run rejected the credentials reading ${where} (${message}). Run \`gcloud auth application-default login\` again.`);
  if (status === 403) {
    return new DeploymentError(
      `Cloud Run denied access to ${where}: ${message}. The account needs run.services.get and run.revisions.list on project ${target.project} (role Cloud Run Viewer, roles/run.viewer).`,
    );
  }
  if (status === 404) {
    return new DeploymentError(`Cloud Run has no ${where} (${message}). Check project, region and service under services[].deployments in pipeline-lens.json.`);
  }
  if (typeof status === 'number') return new DeploymentError(`Cloud Run answered ${status} reading ${where}: ${message}.`);
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || /operation was aborted/i.test(message)) {
    return new DeploymentError(
      `No answer from the Cloud Run Admin API at ${endpoint} within ${TIMEOUT_MS / 1000} s reading ${where}. Check the network${endpoint === GOOGLE_RUN_ENDPOINT ? '' : ', and services[].deployments.apiEndpoint in pipeline-lens.json'}.`,
    );
  }
  return new DeploymentError(
    `Cannot reach the Cloud Run Admin API at ${endpoint} (${message}). Check the network${endpoint === GOOGLE_RUN_ENDPOINT ? '' : ', and services[].deployments.apiEndpoint in pipeline-lens.json'}.`,
  );
}
