import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { askYes } from '../../../src/cli/confirmWrite';

/*
 * The prompt before a write, on Node's own readline: a terminal-mode interface reads the
 * bytes a terminal sends (Ctrl-D is 0x04), a plain one a pipe's lines.
 */

function ask(terminal: boolean, feed: (input: PassThrough) => void): { answer: Promise<boolean>; shown: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const answer = askYes('Type yes to run it: ', input, output, terminal);
  setImmediate(() => feed(input));
  return { answer, shown: () => shown };
}

describe('the write prompt', () => {
  it('runs the write only on a typed yes', async () => {
    assert.equal(await ask(true, (i) => i.write('yes\r')).answer, true);
    assert.equal(await ask(false, (i) => i.write('YES\n')).answer, true);
    assert.equal(await ask(true, (i) => i.write('y\r')).answer, false);
    assert.equal(await ask(false, (i) => i.write('no\n')).answer, false);
  });

  it('takes Ctrl-D at a terminal as a refusal, not an error', async () => {
    const prompt = ask(true, (i) => i.write('\x04'));
    assert.equal(await prompt.answer, false);
    assert.match(prompt.shown(), /Type yes to run it: /);
  });

  it('takes input that ends without an answer as a refusal instead of waiting forever', async () => {
    assert.equal(await ask(false, (i) => i.end()).answer, false);
    assert.equal(await ask(false, (i) => i.end('ye')).answer, false);
  });
});
