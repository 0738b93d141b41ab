import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';

/*
 * The layers of src/ and what each may import (CONTRIBUTING.md explains why): the engine
 * knows no surface and no editor; the server, the CLI and the extension are surfaces that do
 * not import one another; the extension takes types from the engine, and runs only engine
 * code that is pure text and arithmetic (loading no package and no Node module, followed
 * through the engine's own imports). Imports are read with the TypeScript parser, so
 * `import type`, `typeof import()`, `require()` and re-exports all count.
 */
const ROOT = join(__dirname, '../../..');

type Layer = 'core' | 'shared' | 'server' | 'extension' | 'cli';

interface Imported {
  /** `src/core/git/ancestry` for a file of the tree (no extension), the package name otherwise. */
  target: string;
  /** A file of the repository rather than a package or a Node built-in. */
  local: boolean;
  typeOnly: boolean;
}

/** Packages that belong to one side of the editor/server split, and the layers that may use them. */
const PACKAGES: Record<string, Layer[]> = {
  vscode: ['extension'],
  'vscode-languageclient': ['extension'],
  'vscode-languageserver': ['server'],
  'vscode-languageserver-textdocument': ['server'],
  'vscode-languageserver-protocol': ['shared', 'server', 'extension'],
  'vscode-jsonrpc': ['shared', 'server', 'extension'],
};

/** Layers a layer may not import at all, types included. */
const NEVER: Record<Layer, Layer[]> = {
  core: ['shared', 'server', 'extension', 'cli'],
  shared: ['server', 'extension', 'cli'],
  server: ['extension', 'cli'],
  extension: ['server', 'cli'],
  cli: ['shared', 'server', 'extension'],
};

/** Layers a layer may take types from but no values. */
const TYPES_ONLY: Partial<Record<Layer, Layer[]>> = {
  shared: ['core'],
};

function layerOf(path: string): Layer | null {
  const match = /^src\/(core|shared|server|extension|cli)\//.exec(path);
  return match ? (match[1] as Layer) : null;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every module a source file names, with whether it takes only types from it. */
function importsOf(path: string, text: string): Imported[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Imported[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const local = specifier.startsWith('.');
    const target = local ? posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.(ts|js)$/, '') : packageName(specifier);
    found.push({ target, local, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      // `import { type A, type B }` brings no value; a bare `import 'x'` runs the module.
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What breaks the layering in these files (paths relative to the repository, with `/`). */
function layerViolations(files: Array<{ path: string; text: string }>): string[] {
  const importsByModule = new Map(files.map((f) => [f.path.replace(/\.ts$/, ''), importsOf(f.path, f.text)]));
  /** The packages and Node built-ins a module loads when it runs, following its value imports through the tree. */
  const loads = (start: string): string[] => {
    const seen = new Set<string>();
    const reached = new Set<string>();
    const pending = [start];
    for (let module = pending.pop(); module !== undefined; module = pending.pop()) {
      if (seen.has(module)) continue;
      seen.add(module);
      for (const i of importsByModule.get(module) ?? importsByModule.get(`${module}/index`) ?? []) {
        if (i.typeOnly) continue;
        if (i.local) pending.push(i.target);
        else reached.add(i.target);
      }
    }
    return [...reached].sort();
  };
  const problems: string[] = [];
  for (const { path, text } of files) {
    const from = layerOf(path);
    if (!from) continue;
    for (const { target, local, typeOnly } of importsOf(path, text)) {
      const what = `${path} imports ${typeOnly ? 'types from ' : ''}${target}`;
      if (local) {
        const to = layerOf(target + '/');
        if (!to || to === from) continue;
        if (NEVER[from].includes(to)) problems.push(`${what}: src/${from} may not import src/${to}`);
        else if (!typeOnly && from === 'extension' && to === 'core') {
          // The engine runs in the server; the extension may bundle only engine code that is pure text and arithmetic.
          const io = loads(target);
          if (io.length) problems.push(`${what}: src/extension may run only engine code that loads no package or Node module, and this loads ${io.join(', ')}`);
        } else if (!typeOnly && TYPES_ONLY[from]?.includes(to)) problems.push(`${what}: src/${from} takes only types from src/${to}`);
      } else if (PACKAGES[target] && !PACKAGES[target].includes(from)) {
        problems.push(`${what}: ${target} belongs to ${PACKAGES[target].map((l) => `src/${l}`).join(', ')}`);
      }
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('layers of src/', () => {
  it('no file imports across the layers', () => {
    const files = sourceFiles('src').map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
    assert.ok(files.length > 100, `only ${files.length} files found under src/`);
    assert.deepEqual(layerViolations(files), []);
  });

  it('sees each kind of import that breaks them, and lets the allowed ones pass', () => {
    const file = (path: string, text: string) => ({ path, text });
    const problems = layerViolations([
      file('src/core/git/a.ts', "import type { TreeResult } from '../../shared/protocol';"),
      file('src/core/b.ts', "import * as vscode from 'vscode';"),
      file('src/core/c.ts', "export { x } from '../server/x';"),
      file('src/core/d.ts', "type S = typeof import('../cli/main');"),
      file('src/server/e.ts', "const m = require('../extension/main');"),
      file('src/server/f.ts', "import 'vscode-languageclient/node';"),
      file('src/cli/g.ts', "const s = import('../server/server');"),
      // Engine code that loads DuckDB, directly or through a module of its own.
      file('src/core/warehouse/openWarehouse.ts', "import { DuckDBInstance } from '@duckdb/node-api';"),
      file('src/core/sql/chain.ts', "import { tidy } from './tidy';\nexport { openWarehouse } from '../warehouse/openWarehouse';"),
      file('src/extension/h.ts', "import { openWarehouse } from '../core/warehouse/openWarehouse';"),
      file('src/extension/n.ts', "import { tidy } from '../core/sql/chain';"),
      file('src/shared/i.ts', "import { type A, B } from '../core/b';"),
      // Allowed: types from the engine, engine code that is pure text and arithmetic, the protocol on both sides.
      file('src/core/report/format.ts', "import type { Warehouse } from '../warehouse/openWarehouse';\nimport { formatBytes } from './bytes';"),
      file('src/core/report/bytes.ts', 'export const KB = 1024;'),
      file(
        'src/extension/j.ts',
        "import type { Finding } from '../core/findings/types';\nimport { type X, type Y } from '../core/y';\nimport { shortSha } from '../core/report/format';",
      ),
      file('src/extension/k.ts', "import { compareProportions } from '../core/metrics/compareProportions';\nimport { Commands } from '../shared/commandIds';"),
      file(
        'src/server/l.ts',
        "import { createConnection } from 'vscode-languageserver/node';\nimport { TreeRequest } from '../shared/protocol';\nimport { loadConfig } from '../core/config/loadConfig';",
      ),
      file('src/cli/m.ts', "import { loadConfig } from '../core/config/loadConfig';\nimport { generateDemo } from '../../demo/generateDemo';"),
    ]);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      [
        'src/core/git/a.ts imports types from src/shared/protocol',
        'src/core/b.ts imports vscode',
        'src/core/c.ts imports src/server/x',
        'src/core/d.ts imports types from src/cli/main',
        'src/server/e.ts imports src/extension/main',
        'src/server/f.ts imports vscode-languageclient',
        'src/cli/g.ts imports src/server/server',
        'src/extension/h.ts imports src/core/warehouse/openWarehouse',
        'src/extension/n.ts imports src/core/sql/chain',
        'src/shared/i.ts imports src/core/b',
      ],
    );
  });
});
