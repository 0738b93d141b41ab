import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';

/*
 * Every `npx pipeline-lens …` line of README.md and docs/cli.md, run exactly as printed
 * (the CLI in-process, standing in a folder whose `.demo/` is a freshly generated demo, as
 * after `npm start`), and held to its exit code.
 */

const REPO = resolve(__dirname, '../../..');
const DOCUMENTS = ['README.md', 'docs/cli.md'];

/** Words of a shell line: spaces separate, quotes group, an unquoted `#` starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '#' && word === null) {
      break;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  assert.equal(quote, null, `unterminated quote in: ${line}`);
  if (word !== null) words.push(word);
  return words;
}

async function documentedCommands(): Promise<Array<{ document: string; line: string; args: string[] }>> {
  const commands: Array<{ document: string; line: string; args: string[] }> = [];
  for (const document of DOCUMENTS) {
    const text = await readFile(join(REPO, document), 'utf8');
    for (const line of text.split('\n').map((l) => l.trim())) {
      if (!/^npx\s+pipeline-lens(\s|$)/.test(line)) continue;
      commands.push({ document, line, args: shellWords(line).slice(2) });
    }
  }
  return commands;
}

/**
 * What each documented line must exit with on the demo: 0, except where the demo's state
 * answers 1 on purpose: `verify` (a worker commit on main is not deployed), `check` (the
 * demo's next day is not ready) and `investigate --fail-on` (the demo has critical findings).
 */
function expectedExit(args: string[]): number {
  return args.includes('verify') || args.includes('check') || args.includes('--fail-on') ? 1 : 0;
}

describe('the commands README.md and docs/cli.md print', () => {
  let parent: string;
  let demo: DemoManifest;

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-documented-'));
    demo = await generateDemo(join(parent, '.demo'));
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('are there to run: README shows investigate, commit, metrics, verify and query', async () => {
    const commands = await documentedCommands();
    const readme = commands.filter((c) => c.document === 'README.md').map((c) => c.args.find((a) => !a.startsWith('-') && a !== '.demo'));
    for (const command of ['investigate', 'commit', 'metrics', 'verify', 'query']) assert.ok(readme.includes(command), `README runs ${command}: ${readme.join(', ')}`);
    assert.ok(
      commands.some((c) => c.document === 'docs/cli.md'),
      'docs/cli.md has examples',
    );
  });

  it('run as printed, from the folder holding .demo, with the exit code each documents', async () => {
    const commands = await documentedCommands();
    for (const { document, line, args } of commands) {
      let stdout = '';
      let stderr = '';
      const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: parent });
      assert.equal(code, expectedExit(args), `${document}: ${line}\n${stderr}${stdout.slice(0, 2000)}`);
      assert.equal(stderr, '', `${document}: ${line} wrote to standard error`);
      assert.ok(stdout.trim().length > 0, `${document}: ${line} printed nothing`);
    }
  });

  it("name the demo's fix in README's `commit` line", async () => {
    const commands = await documentedCommands();
    const commit = commands.find((c) => c.document === 'README.md' && c.args.includes('commit'))!;
    const sha = commit.args[commit.args.indexOf('commit') + 1];
    assert.ok(demo.commits.fix.startsWith(sha), `README's ${sha} is the demo's fix ${demo.commits.fix}`);
  });
});
