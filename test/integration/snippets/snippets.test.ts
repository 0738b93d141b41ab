import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo } from '../../../demo/generateDemo';
import { classifyStatement } from '../../../src/core/warehouse/statementKind';
import { WarehouseError } from '../../../src/core/warehouse/types';
import { Workspace } from '../../../src/core/workspace';

/*
 * Every investigation snippet, with its placeholders left at their defaults (the demo's
 * dataset, models and dates), runs on the demo's embedded warehouse and returns rows; the
 * one that writes is classified as DML and refused, having run nothing.
 */

const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const SNIPPETS_FILE = 'snippets/bigquery-investigation.code-snippets';
const snippets = JSON.parse(readFileSync(join(ROOT, SNIPPETS_FILE), 'utf8')) as Record<string, { prefix: string; description: string; body: string[] }>;

/** The write snippet: its job is to change data, so it must never run unconfirmed. */
const WRITES = new Set(['pl-supersede']);

/**
 * A snippet body as VS Code inserts it when every tab stop keeps its default: `${1:x}` → x,
 * `${1|a,b|}` → a, a bare `$1` → what the same stop holds elsewhere, `\$` → `$`.
 */
export function expandSnippet(body: string[]): string {
  const text = body.join('\n');
  const defaults = new Map<string, string>();
  for (const m of text.matchAll(/\$\{(\d+):([^}]*)\}/g)) if (!defaults.has(m[1])) defaults.set(m[1], m[2]);
  for (const m of text.matchAll(/\$\{(\d+)\|([^|}]*)\|\}/g)) if (!defaults.has(m[1])) defaults.set(m[1], m[2].split(',')[0]);
  return text
    .replace(/\$\{(\d+):([^}]*)\}/g, (_, n: string) => defaults.get(n)!)
    .replace(/\$\{(\d+)\|([^|}]*)\|\}/g, (_, n: string) => defaults.get(n)!)
    .replace(/(?<!\\)\$(\d+)/g, (_, n: string) => defaults.get(n) ?? '')
    .replace(/\\\$/g, '$');
}

describe('investigation snippets', () => {
  let parent: string;
  let workspace: Workspace;

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pipeline-lens-snippets-'));
    const demo = await generateDemo(join(parent, 'demo'));
    workspace = Workspace.open({ cwd: demo.root });
  });

  after(async () => {
    await workspace?.close();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('are contributed for SQL and BigQuery SQL, each with its own prefix and a description', () => {
    const contributed = pkg.contributes.snippets.filter((s: { path: string }) => s.path === `./${SNIPPETS_FILE}`).map((s: { language: string }) => s.language);
    assert.deepEqual(contributed.sort(), ['bqsql', 'sql']);
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
    for (const [name, s] of Object.entries(snippets)) {
      assert.match(s.prefix, /^pl-[a-z-]+$/, name);
      assert.ok(s.description.length > 40, `${name} says what question it answers`);
    }
  });

  it("cover the team's questions", () => {
    const prefixes = new Set(Object.values(snippets).map((s) => s.prefix));
    for (const prefix of [
      'pl-hit-rate-by-build',
      'pl-before-after',
      'pl-vegas-coverage',
      'pl-zero-rate',
      'pl-grading-coverage',
      'pl-feature-store-completeness',
      'pl-execution-log',
      'pl-predictions-by-commit',
      'pl-critical-features',
      'pl-direction-skew',
      'pl-supersede-check',
      'pl-supersede',
    ]) {
      assert.ok(prefixes.has(prefix), `a snippet ${prefix}`);
    }
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    if (WRITES.has(snippet.prefix)) {
      it(`${snippet.prefix} is classified as DML and refused by the embedded warehouse`, async () => {
        const sql = expandSnippet(snippet.body);
        const kind = classifyStatement(sql);
        assert.equal(kind.kind, 'dml', name);
        assert.deepEqual(kind.targets, ['nba_predictions.player_prop_predictions']);
        const warehouse = await workspace.warehouse();
        await assert.rejects(
          warehouse.query({ name: snippet.prefix, sql, params: {}, types: {} }),
          (error: unknown) => error instanceof WarehouseError && /read-only|Refused/i.test(error.message),
        );
        await assert.rejects(warehouse.query({ name: snippet.prefix, sql, params: {}, types: {} }, { writeConfirmed: true }), WarehouseError, 'refused even when confirmed');
      });
      continue;
    }
    it(`${snippet.prefix} runs on the demo and returns rows`, async () => {
      const sql = expandSnippet(snippet.body);
      assert.doesNotMatch(sql, /\$\{|\$\d/, 'every placeholder is filled');
      assert.equal(classifyStatement(sql).kind, 'query', `${name} only reads`);
      const warehouse = await workspace.warehouse();
      const result = await warehouse.query({ name: snippet.prefix, sql, params: {}, types: {} });
      assert.ok(result.rows.length > 0, `${snippet.prefix} returns rows on the demo`);
    });
  }
});
