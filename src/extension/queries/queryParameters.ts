import * as vscode from 'vscode';
import type { ScalarParamType } from '../../core/warehouse/types';
import type { QueryParameterValue } from '../../shared/protocol';

const MEMORY_KEY = 'pipelineLens.queryParameters';

/**
 * A typed value from what a person typed: `2026-01-09` is a DATE, an ISO instant a
 * TIMESTAMP, a whole number INT64, `true`/`false` BOOL; `name:TYPE=value` forces a type,
 * as the CLI's --param does.
 */
export function parseParameterInput(text: string): QueryParameterValue | null {
  const trimmed = text.trim();
  const forced = /^(STRING|INT64|FLOAT64|BOOL|DATE|TIMESTAMP):(.*)$/s.exec(trimmed);
  if (forced) return convert(forced[1] as ScalarParamType, forced[2]);
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return { type: 'DATE', value: trimmed };
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) return { type: 'TIMESTAMP', value: trimmed.replace(' ', 'T') };
  if (/^-?\d+$/.test(trimmed)) return { type: 'INT64', value: Number(trimmed) };
  if (/^-?\d*\.\d+$/.test(trimmed)) return { type: 'FLOAT64', value: Number(trimmed) };
  if (/^(true|false)$/i.test(trimmed)) return { type: 'BOOL', value: trimmed.toLowerCase() === 'true' };
  return { type: 'STRING', value: trimmed };
}

function convert(type: ScalarParamType, raw: string): QueryParameterValue | null {
  if (type === 'INT64' || type === 'FLOAT64') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (type === 'INT64' && !Number.isInteger(n))) return null;
    return { type, value: n };
  }
  if (type === 'BOOL') return /^(true|false)$/i.test(raw) ? { type, value: raw.toLowerCase() === 'true' } : null;
  return { type, value: raw };
}

function display(v: QueryParameterValue): string {
  return `${v.type}:${v.value}`;
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
      value: previous ? (previous.type === 'STRING' || previous.type === 'DATE' || previous.type === 'TIMESTAMP' ? String(previous.value) : display(previous)) : '',
      ignoreFocusOut: true,
      validateInput: (text) => (parseParameterInput(text) ? null : 'Not a value of that type.'),
    });
    if (answer === undefined) return undefined;
    values[name] = parseParameterInput(answer)!;
  }
  await memento.update(MEMORY_KEY, { ...remembered, ...values });
  return values;
}
