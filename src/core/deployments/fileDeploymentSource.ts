import { readFile } from 'node:fs/promises';
import { recordedCommit, recordedInstant } from './recordFields';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

/** Deployments kept in a JSON array or NDJSON file, e.g. exported by a deploy script. */
export class FileDeploymentSource implements DeploymentSource {
  constructor(private readonly path: string) {}

  describe(): string {
    return `file ${this.path}`;
  }

  async list(service: string): Promise<Deployment[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DeploymentError(
        `Cannot read the deployment history ${this.path} (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}); fix services[].deployments.path in pipeline-lens.json or export the history there.`,
      );
    }
    const records = parseRecords(text, this.path);
    return records
      .map((record, i) => toDeployment(record, `${this.path} record ${i + 1}`))
      .filter((d) => d.service === service)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }
}

function parseRecords(text: string, path: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new DeploymentError(`${path} is not valid JSON: ${(error as Error).message}.`);
    }
  }
  return trimmed.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new DeploymentError(`${path} line ${i + 1} is not a JSON object; the file must be a JSON array or one JSON object per line.`);
    }
  });
}

/**
 * Validates one record; shared by the file and the warehouse table so they agree on what a
 * deployment is. `where` names the record (file and record number, table and row); errors
 * add its revision when it has one.
 */
export function toDeployment(record: unknown, where: string): Deployment {
  if (typeof record !== 'object' || record === null) throw new DeploymentError(`${where} is not an object.`);
  const r = record as Record<string, unknown>;
  const text = (key: string, at: string): string => {
    const value = r[key];
    if (typeof value !== 'string' || value === '') throw new DeploymentError(`${at} has no "${key}" (a non-empty string is required).`);
    return value;
  };
  const service = text('service', where);
  const revision = text('revision', where);
  const at = `${where} (revision ${revision})`;
  const createdAt = recordedInstant(r.createdAt, at, 'createdAt');
  const commit = recordedCommit(r.commit, at, 'commit');
  const traffic = r.trafficPercent;
  if (traffic !== null && traffic !== undefined && (typeof traffic !== 'number' || !Number.isFinite(traffic) || traffic < 0 || traffic > 100)) {
    throw new DeploymentError(`${at} has trafficPercent ${JSON.stringify(traffic)}; use a number from 0 to 100.`);
  }
  return { service, revision, commit, createdAt, trafficPercent: typeof traffic === 'number' ? traffic : null };
}
