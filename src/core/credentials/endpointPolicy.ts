import { BlockList, isIP } from 'node:net';

/*
 * Where Google credentials may go. A workspace's pipeline-lens.json can name an API
 * endpoint (an emulator, a test fake), but a cloned repository must not be able to send
 * the user's access token to a host of its choosing just by being opened. So:
 *
 * - Google's own endpoint gets credentials, as it always did.
 * - A host the user allowed outside the workspace (a user- or machine-scoped editor
 *   setting, an environment variable for the command line) gets them over https.
 * - Any other loopback host (127.0.0.0/8, ::1, localhost) is used without credentials.
 * - Anything else is refused before a request is made, saying how to allow it.
 *
 * Credentials never travel over plain http, whoever allowed the host.
 */

/** Hosts the user (never the workspace) allows credentials to be sent to. */
export interface CredentialHosts {
  /** `host` (any port) or `host:port`, lowercase; IPv6 in brackets. */
  readonly hosts: readonly string[];
  /** The sentence telling a person how to allow `host` where they run (editor setting, environment variable). */
  howToAllow(host: string): string;
}

/** The editor's user setting holding the allowed hosts. */
export const ALLOWED_HOSTS_SETTING = 'pipelineLens.credentials.allowedHosts';
/** The command line's environment variable holding the allowed hosts. */
export const ALLOWED_HOSTS_ENV = 'PIPELINE_LENS_ALLOW_CREDENTIALS_TO';

/** No host allowed; the refusal names both ways to allow one. */
export const NO_CREDENTIAL_HOSTS: CredentialHosts = {
  hosts: [],
  howToAllow: (host) => `add "${host}" to the user setting ${ALLOWED_HOSTS_SETTING} in VS Code, or for the command line set ${ALLOWED_HOSTS_ENV}=${host} in the environment`,
};

export type EndpointDecision = { kind: 'use'; url: string; credentials: boolean } | { kind: 'refuse'; message: string };

export interface EndpointRequest {
  /** The endpoint the config names; null for Google's. */
  configured: string | null;
  /** Google's endpoint for this API, e.g. `https://bigquery.googleapis.com`. */
  googleEndpoint: string;
  /** The setting naming it, for messages: `warehouse.apiEndpoint`. */
  configKey: string;
  configFile: string;
  /** `BigQuery`, `the Cloud Run Admin API`. */
  api: string;
  trust: CredentialHosts;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Where requests for this API go, and whether they carry credentials; or why they must not be sent. */
export function decideEndpoint(request: EndpointRequest): EndpointDecision {
  const google = new URL(request.googleEndpoint).origin;
  if (request.configured === null) return { kind: 'use', url: google, credentials: true };
  let url: URL;
  try {
    url = new URL(request.configured);
  } catch {
    return {
      kind: 'refuse',
      message: `${request.configKey} in ${request.configFile} is "${request.configured}", which is not a URL; give scheme, host and port, e.g. http://127.0.0.1:9050.`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'refuse', message: `${request.configKey} in ${request.configFile} is "${request.configured}"; use an http:// or https:// endpoint.` };
  }
  if (url.origin === google) return { kind: 'use', url: google, credentials: true };
  const secure = url.protocol === 'https:';
  if (isAllowed(url, request.trust.hosts)) return { kind: 'use', url: url.origin, credentials: secure };
  if (isLoopback(url.hostname)) return { kind: 'use', url: url.origin, credentials: false };
  return {
    kind: 'refuse',
    message:
      `${request.configKey} in ${request.configFile} sends ${request.api} requests to ${url.host}, which is not Google's endpoint (${google}). ` +
      `Pipeline Lens sends your Google credentials only to Google and to hosts you allow yourself; a workspace file cannot allow one, so nothing was sent. ` +
      `If you trust ${url.host}, ${request.trust.howToAllow(url.host)}; otherwise remove ${request.configKey}.`,
  };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopback(hostname: string): boolean {
  const host = unbracket(hostname.toLowerCase()).replace(/\.$/, '');
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return LOOPBACK.check(host, 'ipv4');
  if (family === 6) return LOOPBACK.check(host, 'ipv6');
  return false;
}

/**
 * Allowed hosts from a list a person wrote (a setting's array, an environment variable's
 * comma-separated text). Entries are `host` or `host:port`; anything else (a URL, a path)
 * is returned as a problem rather than guessed at.
 */
export function parseAllowedHosts(entries: readonly string[]): { hosts: string[]; invalid: string[] } {
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const normalised = normaliseHost(entry);
    if (normalised) hosts.push(normalised);
    else invalid.push(entry);
  }
  return { hosts: [...new Set(hosts)], invalid };
}

/** `Example.COM:443` → `example.com:443`; null when the text is not `host` or `host:port`. */
function normaliseHost(entry: string): string | null {
  if (/[/@?#\s]/.test(entry)) return null;
  let url: URL;
  try {
    url = new URL(`https://${entry}`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== '/' || !url.hostname) return null;
  // An explicit :443 is what `URL` drops as the default; keep what the person wrote.
  const port = /:(\d+)$/.exec(entry)?.[1];
  return port !== undefined ? `${url.hostname}:${Number(port)}` : url.hostname;
}

function isAllowed(url: URL, hosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return hosts.some((entry) => {
    const match = /^(.*?)(?::(\d+))?$/.exec(entry);
    if (!match) return false;
    const [, host, entryPort] = match;
    return host === hostname && (entryPort === undefined || entryPort === port);
  });
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
