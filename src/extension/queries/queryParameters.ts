import * as vscode from 'vscode';
import { parseParameterValue } from '../../core/warehouse/parameterText';
import type { QueryParameterValue } from '../../shared/protocol';

const MEMORY_KEY = 'pipelineLens.queryParameters';

/**
 * A typed value from what a person typed, by the one rule the CLI's --param follows too
 * (src/core/warehouse/parameterText.ts): `2026-01-09` is a DATE, an ISO instant a
 * TIMESTAMP, a whole number INT64; `TYPE:value` forces a type.
 */
export function parseParameterInput(text: string): QueryParameterValue | null {
  const reading = parseParameterValue(text);
  return 'problem' in reading ? null : reading;
}

/** The text that reads back as `v`: the bare value when the rule gives its type, else `TYPE:value`. */
function display(v: QueryParameterValue): string {
  const bare = String(v.value);
  const reading = parseParameterValue(bare);
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
export async function askForParameters(names: string[], memento: vscode.Memento, askAll = true): Promise<Record<string, QueryParameterValue> | undefined> {
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
      value: previous ? display(previous) : '',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const reading = parseParameterValue(text);
        return 'problem' in reading ? `${reading.problem}. TYPE:value forces a type, e.g. STRING:2026-02-30 for text.` : null;
      },
    });
    if (answer === undefined) return undefined;
    values[name] = parseParameterInput(answer)!;
  }
  await memento.update(MEMORY_KEY, { ...remembered, ...values });
  return values;
}
