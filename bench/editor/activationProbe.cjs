// Times `require` of a built extension bundle and its `activate(context)`, in a fresh Node
// process with nothing else loaded. Plain CommonJS for the reason given in vscodeStub.cjs.
// Usage: node activationProbe.cjs <dist/extension.js> ; prints one JSON line.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const os = require('node:os');

const bundle = path.resolve(process.argv[2]);
const stubPath = path.join(__dirname, 'vscodeStub.cjs');
const resolve = Module._resolveFilename;
// Only `vscode` is redirected, and only in this measuring process.
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest);
};

// Processes the extension starts (its language server) are counted, and ended after the
// measurement: they belong to this probe.
const childProcess = require('node:child_process');
const started = [];
for (const name of ['spawn', 'fork', 'execFile']) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    const child = original.apply(this, args);
    started.push(child);
    return child;
  };
}

function memento() {
  const data = new Map();
  return { get: (k, d) => (data.has(k) ? data.get(k) : d), update: async (k, v) => void data.set(k, v), keys: () => [...data.keys()], setKeysForSync() {} };
}

async function main() {
  const root = path.resolve(path.dirname(bundle), '..');
  const storage = path.join(os.tmpdir(), 'pipeline-lens-activation-probe');
  const uri = (p) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });
  const context = {
    subscriptions: [],
    extensionPath: root,
    extensionUri: uri(root),
    asAbsolutePath: (p) => path.join(root, p),
    storagePath: storage,
    globalStoragePath: storage,
    logPath: storage,
    storageUri: uri(storage),
    globalStorageUri: uri(storage),
    logUri: uri(storage),
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) },
    environmentVariableCollection: { replace() {}, append() {}, prepend() {}, get() {}, forEach() {}, delete() {}, clear() {} },
    extension: { id: 'pipeline-lens.pipeline-lens', extensionPath: root, packageJSON: require(path.join(root, 'package.json')) },
  };
  // Loaded before the clock starts: the stub's own cost is not the extension's.
  require(stubPath);
  const cpuAtStart = process.cpuUsage();
  const clock = process.hrtime.bigint();
  const extension = require(bundle);
  const required = process.hrtime.bigint();
  let activated = null;
  let error = null;
  if (typeof extension.activate === 'function') {
    try {
      // Bounded: a stubbed host may leave a promise pending forever (e.g. waiting for a server).
      await Promise.race([Promise.resolve(extension.activate(context)), new Promise((r) => setTimeout(r, 5000, 'timeout'))]).then((v) => {
        if (v === 'timeout') error = 'activate did not settle within 5 s';
      });
      activated = process.hrtime.bigint();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const processesAtActivation = started.length;
  // What the extension does once activate has returned (loading the client, starting the
  // server) is not activation, but it must still happen: wait for the server's process, bounded.
  // (Under the stub the client never hears back from it, so `started` itself never resolves.)
  const waitFrom = process.hrtime.bigint();
  while (started.length === processesAtActivation && Number(process.hrtime.bigint() - waitFrom) / 1e6 < 5000) await new Promise((r) => setTimeout(r, 5));
  const startedAfterMs = started.length > processesAtActivation ? Number(process.hrtime.bigint() - waitFrom) / 1e6 : null;
  const ms = (a, b) => Number(b - a) / 1e6;
  process.stdout.write(
    JSON.stringify({
      requireMs: ms(clock, required),
      activateMs: activated === null ? null : ms(required, activated),
      // CPU time of this process over the same span: on a busy machine wall time also counts waiting for a core.
      cpuMs: (cpu.user + cpu.system) / 1000,
      hasActivate: typeof extension.activate === 'function',
      processesStarted: processesAtActivation,
      processesAfterActivation: started.length - processesAtActivation,
      startedAfterMs,
      errorsShown: globalThis.__vscodeStubCalls.filter((c) => c === 'window.showErrorMessage').length,
      error,
    }) + '\n',
  );
  try {
    if (typeof extension.deactivate === 'function') await extension.deactivate();
  } catch {
    // The measurement is done; a failing deactivate under a stub says nothing.
  }
  for (const child of started) if (child.exitCode === null) child.kill();
  process.exit(0);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
  process.exit(0);
});
