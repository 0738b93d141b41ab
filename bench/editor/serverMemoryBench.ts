import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { scanShas } from '../../src/core/text/shaScanner';
import { failed, pending, type Figure } from '../figures';
import { median } from '../stats';
import { lensWorkspace, type LensSizes, type LensWorkspace } from './lensWorkspace';

export interface ServerMemorySizes extends LensSizes {
  hovers: number;
  /** Hovers in flight at once, as a user moving the mouse produces them. */
  concurrency: number;
}

export const FULL_SERVER_MEMORY: ServerMemorySizes = { commits: 50_000, rows: 1_000_000, shas: 1_000, hovers: 10_000, concurrency: 4 };
export const QUICK_SERVER_MEMORY: ServerMemorySizes = { commits: 5_000, rows: 200_000, shas: 1_000, hovers: 2_000, concurrency: 4 };

const GROUP = 'Language server';
const TITLE = 'RSS growth after 10,000 hovers over 1,000 SHAs';
const GOAL = 'growth ≤ 50 MB';
/** Whatever happens, the figure gives up after this long rather than holding up the run. */
const DEADLINE_MS = 180_000;

/**
 * Memory of the real language server (dist/server.js over stdio, as VS Code runs it): RSS
 * once the document's lenses have been answered, then after `hovers` hovers cycling over the
 * document's 1,000 distinct SHAs. Caches are bounded, so the growth should level off.
 */
export async function serverMemoryBench(root: string, sizes: ServerMemorySizes, log: (line: string) => void): Promise<Figure[]> {
  const server = join(root, 'dist', 'server.js');
  if (!(await stat(server).then(() => true, () => false))) {
    return [
      pending('server.rss', GROUP, TITLE, GOAL, 'pending (language server not built: no dist/server.js)'),
      pending('server.hover', GROUP, 'hover latency, warm', '', 'pending (language server not built: no dist/server.js)'),
    ];
  }
  const lens = await lensWorkspace(sizes, log);
  let session: ServerSession | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    session = startServer(server, lens.root);
    const measured = await Promise.race([
      measure(session, lens, sizes),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no result within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
      }),
    ]);
    return measured;
  } catch (error) {
    return [failed('server.rss', GROUP, TITLE, GOAL, error), failed('server.hover', GROUP, 'hover latency, warm', '', error)];
  } finally {
    if (timer) clearTimeout(timer);
    await session?.stop();
  }
}

interface ServerSession {
  connection: MessageConnection;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

function startServer(server: string, cwd: string): ServerSession {
  const child = spawn(process.execPath, [server, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  // Requests from the server (configuration, capability registration, progress, refresh)
  // get the answer a client with no settings would give.
  connection.onRequest((method, params) => {
    if (method === 'workspace/configuration') {
      const items = (params as { items?: unknown[] } | undefined)?.items ?? [];
      return items.map(() => null);
    }
    return null;
  });
  connection.onNotification(() => undefined);
  connection.listen();
  return {
    connection,
    child,
    stderr: () => stderr,
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        // Already gone.
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 500));
        if (child.exitCode === null) child.kill();
      }
    },
  };
}

async function measure(session: ServerSession, lens: LensWorkspace, sizes: ServerMemorySizes): Promise<Figure[]> {
  const { connection, child } = session;
  const rootUri = pathToFileURL(lens.root).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, codeLens: {} }, workspace: { configuration: true, workspaceFolders: true } },
  });
  await connection.sendNotification('initialized', {});
  const uri = pathToFileURL(lens.documentFile).toString();
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: lens.document } });

  // Ready once the server answers lenses for the document and fills them in (commit graph,
  // commit details and results loaded), as VS Code asks: codeLens, then resolve per lens.
  const started = Date.now();
  let lenses: unknown[] = [];
  while (Date.now() - started < 60_000) {
    lenses = ((await connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as unknown[] | null) ?? [];
    if (lenses.length > 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (lenses.length === 0) throw new Error(`the server returned no lenses for ${lens.tokens.length} SHAs within 60 s; stderr: ${session.stderr().slice(-300)}`);
  await inBatches(lenses.length, 8, async (i) => {
    await connection.sendRequest('codeLens/resolve', lenses[i]);
  });
  const lensesMs = Date.now() - started;

  const positions = hoverPositions(lens.document);
  const latencies: number[] = [];
  const hover = async (i: number) => {
    const position = positions[i % positions.length];
    const t = process.hrtime.bigint();
    await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  // One pass over every SHA first: the baseline is a server that has seen the whole document.
  await inBatches(positions.length, sizes.concurrency, hover);
  const before = await rssMB(child.pid!);
  const firstPass = latencies.splice(0);
  await inBatches(sizes.hovers - positions.length, sizes.concurrency, (i) => hover(i + positions.length));
  const after = await rssMB(child.pid!);
  const growth = after - before;
  return [
    {
      id: 'server.rss',
      group: GROUP,
      title: TITLE,
      product: { value: growth, unit: 'MB', label: 'RSS after all hovers minus RSS after the first pass' },
      baseline: null,
      ratio: null,
      goal: GOAL,
      status: growth <= 50 ? 'met' : 'missed',
      notes: [
        `${sizes.hovers.toLocaleString('en-US')} hovers over ${positions.length.toLocaleString('en-US')} SHA positions, ${sizes.concurrency} in flight; RSS ${before.toFixed(0)} MB after the first pass, ${after.toFixed(0)} MB at the end`,
        `${lenses.length} lenses for the document, all resolved ${(lensesMs / 1000).toFixed(1)} s after it was opened (server started just before)`,
      ],
    },
    {
      id: 'server.hover',
      group: GROUP,
      title: 'hover latency, warm',
      product: { value: median(latencies), unit: 'ms', label: 'textDocument/hover round trip, median' },
      baseline: null,
      ratio: null,
      goal: '',
      status: 'info',
      notes: [`p95 ${percentile(latencies, 0.95).toFixed(1)} ms warm; first pass median ${median(firstPass).toFixed(1)} ms`],
    },
  ];
}

/** The start of every SHA in the document as an LSP position (UTF-16 columns, as scanShas counts). */
function hoverPositions(document: string): Array<{ line: number; character: number }> {
  const positions: Array<{ line: number; character: number }> = [];
  document.split('\n').forEach((text, line) => {
    for (const token of scanShas(text)) positions.push({ line, character: token.start + 1 });
  });
  return positions;
}

async function inBatches(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Resident set size of a process from /proc (Linux); other systems report none. */
async function rssMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error('VmRSS not found in /proc/<pid>/status');
  return Number(match[1]) / 1024;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
