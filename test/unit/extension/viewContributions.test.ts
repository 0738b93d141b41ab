import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/*
 * The views, menus and walkthrough package.json declares must hold together: every view
 * says why it is empty in Restricted Mode and without a config, menus name declared
 * commands, and every file they point at ships.
 */
const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

describe('views, menus and walkthrough contributions', () => {
  const views: Array<{ id: string }> = contributes.views.pipelineLens;

  it('puts the Models, Findings and Deployments views in their own activity-bar container with an SVG icon', () => {
    assert.deepEqual(
      views.map((v) => v.id),
      ['pipelineLens.models', 'pipelineLens.findings', 'pipelineLens.deployments'],
    );
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'pipelineLens');
    assert.ok(container.icon.endsWith('.svg') && existsSync(join(ROOT, container.icon)), container.icon);
  });

  it('gives every view a welcome message for Restricted Mode, no folder, no config, a broken config, and missing credentials or git', () => {
    for (const view of views) {
      const whens = contributes.viewsWelcome.filter((w: { view: string }) => w.view === view.id).map((w: { when: string }) => w.when);
      for (const expected of [
        '!isWorkspaceTrusted',
        'pipelineLens.state == noFolder',
        'pipelineLens.state == noConfig',
        'pipelineLens.state == configError',
        '.problem == credentials',
        '.problem == git',
      ]) {
        assert.ok(
          whens.some((w: string) => w.includes(expected)),
          `${view.id} has a welcome for ${expected}`,
        );
      }
      const restricted = contributes.viewsWelcome.find((w: { view: string; when: string }) => w.view === view.id && w.when === '!isWorkspaceTrusted');
      assert.match(restricted.contents, /Restricted Mode.*nothing runs \(no git, no warehouse, no gcloud\)/s);
    }
  });

  it('names only declared commands in menus and welcome links', () => {
    const declared = new Set(contributes.commands.map((c: { command: string }) => c.command));
    for (const [menu, items] of Object.entries<Array<{ command: string }>>(contributes.menus)) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu}: ${item.command}`);
    }
    const linked = contributes.viewsWelcome.flatMap((w: { contents: string }) => [...w.contents.matchAll(/command:(pipelineLens\.\w+)/g)].map((m) => m[1]));
    for (const id of linked) assert.ok(declared.has(id), `welcome link ${id}`);
  });

  it('ships every walkthrough page and snippet file it names', () => {
    const steps: Array<{ id: string; media: { markdown?: string } }> = contributes.walkthroughs[0].steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      ['openDemo', 'readLens', 'verify', 'bigquery'],
    );
    for (const step of steps) assert.ok(step.media.markdown && existsSync(join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown}`);
    for (const s of contributes.snippets) assert.ok(existsSync(join(ROOT, s.path)), s.path);
  });
});
