import { ALLOWED_HOSTS_ENV, ALLOWED_HOSTS_SETTING, parseAllowedHosts, type CredentialHosts } from '../core/credentials/endpointPolicy';

/**
 * The hosts the person running the command allows Google credentials to go to, from
 * PIPELINE_LENS_ALLOW_CREDENTIALS_TO (comma-separated `host` or `host:port`). The
 * environment is theirs; pipeline-lens.json belongs to whoever wrote the repository.
 * Returns a message instead when an entry is not a host.
 */
export function credentialHostsFromEnv(env: NodeJS.ProcessEnv): CredentialHosts | { problem: string } {
  const raw = env[ALLOWED_HOSTS_ENV] ?? '';
  const { hosts, invalid } = parseAllowedHosts(raw.split(','));
  if (invalid.length > 0) {
    return {
      problem: `${ALLOWED_HOSTS_ENV} holds ${invalid.map((e) => JSON.stringify(e)).join(', ')}, which ${invalid.length === 1 ? 'is' : 'are'} not a host; give host names or addresses, optionally with :port, separated by commas (e.g. ${ALLOWED_HOSTS_ENV}=bigquery.example.com,10.0.0.5:9050).`,
    };
  }
  return {
    hosts,
    howToAllow: (host) =>
      hosts.length === 0
        ? `set ${ALLOWED_HOSTS_ENV}=${host} in the environment (in VS Code: the user setting ${ALLOWED_HOSTS_SETTING})`
        : `add ${host} to ${ALLOWED_HOSTS_ENV} in the environment (now "${raw.trim()}"; comma-separated)`,
  };
}
