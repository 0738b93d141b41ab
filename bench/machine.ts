import { execFileSync } from 'node:child_process';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  git: string;
  duckdb: string;
  /** 1-minute load average when the run started: on a shared machine, what else was running. */
  loadAverage: number;
}

/** What the numbers were measured on: they mean little without it. */
export function describeMachine(): MachineInfo {
  const cpu = cpus();
  let git = 'not found';
  try {
    git = execFileSync('git', ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^git version /, '');
  } catch {
    // Reported as missing; the ancestry figures then fail with their own message.
  }
  let duckdb = 'unknown';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file outside the TypeScript project
    duckdb = (require('@duckdb/node-api/package.json') as { version: string }).version;
  } catch {
    // Only informative.
  }
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    git,
    duckdb,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, git ${m.git}, DuckDB ${m.duckdb}, ${m.platform}; load average ${m.loadAverage} at start`;
}
