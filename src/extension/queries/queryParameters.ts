import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ParameterTextRequest, type ParameterTextReading, type QueryParameterValue } from '../../shared/protocol';

const MEMORY_KEY = 'pipelineLens.queryParameters';

/**
 * What a person typed, read by the server by the one rule the CLI's --param follows too
 * (src/core/warehouse/parameterText.ts): `2026-01-09` is a DATE, an ISO instant a
 * TIMESTAMP, a whole number INT64; `TYPE:value` forces a type.
 */
function readParameter(client: LanguageClient, text: string): Promise<ParameterTextReading> {
  return client.sendRequest(ParameterTextRequest.type, { text });
}

/** The text that reads back as `v`: the bare value when the rule gives its type, else `TYPE:value`. */
async function display(client: LanguageClient, v: QueryParameterValue): Promise<string> {
  const bare = String(v.value);
  const reading = await readParameter(client, bare);
  return !('problem' in reading) && reading.type === v.type ? bare : `${v.type}:${bare}`;
}

/** Values typed before, per parameter name, kept with the workspace. */
export function rememberedParameters(memento: vscode.Memento): Record<string, QueryParameterValue> {
  return memento.get<Record<string, QueryParameterValue>>(MEMORY_KEY, {});
}

/**
 * Asks for each `@name` the SQL uses (offering the value typed last time); undefined when
 * the person cancels. The answers are remembered for the next run and for the status
 * bar's dry run.
 */
export async function askForParameters(client: LanguageClient, names: string[], memento: vscode.Memento, askAll = true): Promise<Record<string, QueryParameterValue> | undefined> {
  const remembered = rememberedParameters(memento);
  const values: Record<string, QueryParameterValue> = {};
  for (const name of names) {
    const previous = remembered[name];
    if (previous && !askAll) {
      values[name] = previous;
      continue;
    }
    const answer = await vscode.window.showInputBox({
      title: `Query parameter @${name}`,
      prompt: `Value of @${name}: 2026-01-09 is a DATE, 2026-01-30T07:41:00Z a TIMESTAMP, 42 an INT64; TYPE:value forces a type (e.g. STRING:2026).`,
      value: previous ? await display(client, previous) : '',
      ignoreFocusOut: true,
      validateInput: async (text) => {
        const reading = await readParameter(client, text);
        return 'problem' in reading ? `${reading.problem}. TYPE:value forces a type, e.g. STRING:2026-02-30 for text.` : null;
      },
    });
    if (answer === undefined) return undefined;
    const reading = await readParameter(client, answer);
    // The prompt accepts only a value that reads; a server answering otherwise now is refused, not guessed.
    if ('problem' in reading) throw new Error(`@${name}: ${reading.problem}.`);
    values[name] = reading;
  }
  await memento.update(MEMORY_KEY, { ...remembered, ...values });
  return values;
}
