import { execFile } from 'node:child_process';
import type { CloudRunTarget } from './cloudRunApi';
import type { KnativeRevision, KnativeService } from './cloudRunResources';
import { DeploymentError } from './types';

/** gcloud is not installed (or not on PATH). */
export class GcloudMissingError extends DeploymentError {}

const TIMEOUT_MS = 120_000;

/**
 * The service and its revisions from the gcloud CLI, for machines where gcloud is logged in
 * but Application Default Credentials are not set up. Arguments go to the process as a
 * list, never through a shell.
 */
export async function fetchWithGcloud(target: CloudRunTarget, options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ service: KnativeService; revisions: KnativeRevision[] }> {
  const scope = ['--project', target.project, '--region', target.region, '--format=json', '--quiet'];
  const [described, listed] = await Promise.allSettled([
    gcloudJson<KnativeService>(['run', 'services', 'describe', target.service, ...scope], options.env),
    gcloudJson<KnativeRevision[]>(['run', 'revisions', 'list', '--service', target.service, ...scope], options.env),
  ]);
  // Both run at once (gcloud is slow to start); the service's failure says more, so it is reported first.
  if (described.status === 'rejected') throw described.reason;
  if (listed.status === 'rejected') throw listed.reason;
  const service = described.value;
  const revisions = listed.value;
  if (!Array.isArray(revisions)) throw new DeploymentError('`gcloud run revisions list` did not print a JSON list; update gcloud (`gcloud components update`).');
  return { service, revisions };
}

function gcloudJson<T>(args: string[], env: NodeJS.ProcessEnv | undefined): Promise<T> {
  const command = `gcloud ${args.slice(0, 3).join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile('gcloud', args, { env: env ?? process.env, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new GcloudMissingError('gcloud is not installed or not on PATH.'));
          return;
        }
        const said = stderr.trim().split('\n').filter(Boolean).pop() ?? error.message;
        const hint = /not have an active account|gcloud auth login|credentials/i.test(said) ? ' Run `gcloud auth login`.' : '';
        reject(new DeploymentError(`\`${command}\` failed: ${said.replace(/^ERROR:\s*/, '')}${hint}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new DeploymentError(`\`${command}\` did not print JSON (${stdout.slice(0, 80).trim() || 'nothing'}).`));
      }
    });
  });
}
