import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Commands } from '../../../src/shared/protocol';
import { DEFAULT_SETTINGS } from '../../../src/server/settings';

/*
 * What package.json declares, what the shared protocol names, what the extension registers
 * and what the server reads must agree; a command in one place and not the other is a
 * lens that does nothing when clicked.
 */

const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const grammar = (file: string) => JSON.parse(readFileSync(join(ROOT, 'syntaxes', file), 'utf8'));

describe('extension contributions', () => {
  it('declares exactly the commands of the shared protocol, each registered in the one command table', () => {
    const declared = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
    const table = readFileSync(join(ROOT, 'src/extension/commands.ts'), 'utf8');
    for (const key of Object.keys(Commands)) assert.match(table, new RegExp(`\\[Commands\\.${key}\\]:`), `${key} has no entry in COMMANDS`);
  });

  it('declares a described setting for every setting the server reads, with the same defaults', () => {
    const props = pkg.contributes.configuration.properties;
    const expected: Record<string, unknown> = {
      'pipelineLens.codeLens.enabled': DEFAULT_SETTINGS.codeLens.enabled,
      'pipelineLens.codeLens.warehouseWaitMs': DEFAULT_SETTINGS.lensWarehouseWaitMs,
      'pipelineLens.hover.warehouseBudgetMs': DEFAULT_SETTINGS.hoverWarehouseBudgetMs,
      'pipelineLens.maxFileSize': DEFAULT_SETTINGS.maxFileSize,
      'pipelineLens.debounceMs': DEFAULT_SETTINGS.debounceMs,
      'pipelineLens.gitPath': DEFAULT_SETTINGS.gitPath,
      'pipelineLens.credentials.allowedHosts': DEFAULT_SETTINGS.credentialHosts,
      'pipelineLens.primaryModels': DEFAULT_SETTINGS.primaryModels,
    };
    // Settings only the extension reads (status bar, results grid): declared, described, not the server's.
    const extensionOnly: Record<string, unknown> = {
      'pipelineLens.statusBar.deployment': true,
      'pipelineLens.statusBar.dryRun': true,
      'pipelineLens.statusBar.dryRunDelayMs': 1000,
      'pipelineLens.queryResults.pageSize': 100,
      'pipelineLens.queryResults.maxRows': 10000,
    };
    assert.deepEqual(Object.keys(props).sort(), Object.keys({ ...expected, ...extensionOnly }).sort());
    for (const [key, value] of Object.entries({ ...expected, ...extensionOnly })) {
      assert.deepEqual(props[key].default, value, key);
      assert.ok((props[key].description ?? props[key].markdownDescription ?? '').length > 30, `${key} needs a description`);
    }
    assert.equal(props['pipelineLens.gitPath'].scope, 'machine', 'a workspace must not choose which program runs');
    assert.equal(props['pipelineLens.credentials.allowedHosts'].scope, 'machine', 'a workspace must not choose where credentials go');
  });

  it('lists on the Marketplace page only declared settings, each with its declared default and scope', () => {
    const props = pkg.contributes.configuration.properties;
    const page = readFileSync(join(ROOT, 'marketplace/README.md'), 'utf8');
    const rows = [...page.matchAll(/^\| `(pipelineLens\.[\w.]+)` \| `([^`]*)` \| (.*) \|$/gm)];
    assert.ok(rows.length >= 5, 'the page has a settings table');
    for (const [, key, shown, text] of rows) {
      assert.ok(props[key], `marketplace/README.md lists ${key}, which package.json does not declare`);
      assert.deepEqual(JSON.parse(shown), props[key].default, `${key}: the page says ${shown}`);
      assert.equal(/\(machine setting\)/.test(text), props[key].scope === 'machine', `${key}: the page and package.json disagree on its scope`);
    }
  });

  it('activates only for workspaces with a config, and runs nothing untrusted', () => {
    assert.deepEqual(pkg.activationEvents, ['workspaceContains:pipeline-lens.json']);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('points every grammar at a file whose scope name matches', () => {
    for (const g of pkg.contributes.grammars) assert.equal(grammar(g.path.replace('./syntaxes/', '')).scopeName, g.scopeName);
  });
});

describe('TextMate grammars', () => {
  // Oniguruma and JavaScript agree on everything these patterns use (lookarounds, classes).
  const sha = new RegExp(grammar('commit-sha.injection.tmLanguage.json').repository['commit-sha'].match, 'g');
  const matches = (text: string) => text.match(sha) ?? [];

  it('highlights likely commit SHAs in prose, code and SQL', () => {
    assert.deepEqual(matches('The fix is `38ab3820`, see 38ab38201f5d0715bd4726077d0e27a37b66ee7d.'), ['38ab3820', '38ab38201f5d0715bd4726077d0e27a37b66ee7d']);
    assert.deepEqual(matches("WHERE build_commit_sha = '62c12d62'"), ['62c12d62']);
  });

  it('leaves dates, words, colours, UUIDs and 0x literals alone', () => {
    assert.deepEqual(matches('20260130 deadbeef decaffed #a1b2c3d4 0x1f2e3d4c 123e4567-e89b-12d3-a456-426614174000 abc1234_x'), []);
  });

  it('keeps the plain-text grammar in step with the injection', () => {
    assert.deepEqual(grammar('commit-sha.plaintext.tmLanguage.json').repository['commit-sha'], grammar('commit-sha.injection.tmLanguage.json').repository['commit-sha']);
  });

  it('highlights feature offsets in SQL, with the accessor and the index captured', () => {
    const rule = grammar('feature-offset.injection.tmLanguage.json').repository['feature-offset'];
    const re = new RegExp(rule.match.replace('(?i)', ''), 'i');
    const m = re.exec('SELECT f.features[ SAFE_OFFSET(25) ] FROM t')!;
    assert.equal(m[1], 'features');
    assert.equal(m[3], 'SAFE_OFFSET');
    assert.equal(m[5], '25');
    assert.equal(rule.captures['5'].name, 'constant.numeric.feature-index.pipeline-lens');
  });
});
