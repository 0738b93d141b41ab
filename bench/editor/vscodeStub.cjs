// A stand-in for the `vscode` module, for measuring activation outside VS Code only.
// Plain CommonJS, not TypeScript: the probe runs in a bare `node` process so that what is
// timed is the bundle's own `require` and `activate`, not a TypeScript loader.
// Every property is a callable, constructible stub returning another stub, so an extension
// can register commands, providers and output channels without anything happening.
'use strict';

// Calls made through the stub, by name (`window.showErrorMessage()`), for the probe to report.
const calls = [];
globalThis.__vscodeStubCalls = calls;

function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === 'then') return undefined; // not a thenable: `await stub` resolves to it
      if (key === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return stub(`${name}.${String(key)}`);
    },
    apply() {
      calls.push(name);
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

// Bundlers copy a CommonJS module's own properties into a namespace object
// (`__importStar`, `__toESM`), so the API's names must be real properties, not just
// answers of the proxy. They are read from the typings when present.
function apiNames() {
  try {
    const typings = require('node:fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    return [...new Set([...typings.matchAll(/^\t(?:export )?(?:namespace|class|enum) ([A-Za-z]+)/gm)].map((m) => m[1]))];
  } catch {
    return ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'Uri', 'EventEmitter', 'Disposable', 'Range', 'Position'];
  }
}

const api = {};
for (const name of apiNames()) api[name] = stub(name);
// The one top-level value clients check (vscode-languageclient refuses to start without it).
api.version = '1.100.0';
module.exports = api;
