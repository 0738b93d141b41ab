/// <reference lib="dom" />
/*
 * The query results page: a grid of the rows the server sent, paged here (they are all in
 * the page already), with what the statement cost, and buttons that ask the extension to
 * export them (the page cannot write files).
 */
import { formatBytes } from '../../../core/report/bytes';
import type { FromQueryResults, QueryResultsView, ToQueryResults } from '../queryResultsMessages';

declare function acquireVsCodeApi(): { postMessage(message: FromQueryResults): void };
const vscode = acquireVsCodeApi();

let view: QueryResultsView | null = null;
let page = 0;

window.addEventListener('message', (event: MessageEvent<ToQueryResults>) => {
  if (event.data.type === 'data') {
    view = event.data.view;
    page = 0;
    render();
  }
});
vscode.postMessage({ type: 'ready' });

function render(): void {
  if (!view) return;
  const { result, pageSize } = view;
  const app = document.getElementById('app')!;
  app.replaceChildren();

  const header = el('header', 'summary');
  header.append(el('h1', '', view.title));
  const facts = el('p', 'facts');
  const shown = result.rows.length < result.totalRows ? ` (first ${count(result.rows.length)} kept)` : '';
  facts.textContent = [
    result.statementType,
    `${count(result.totalRows)} row${result.totalRows === 1 ? '' : 's'}${shown}`,
    result.bytesProcessed === null ? 'bytes processed: not reported (embedded engine)' : `${formatBytes(result.bytesProcessed)} processed`,
    `${(result.durationMs / 1000).toFixed(2)} s`,
    result.warehouseDescription,
  ].join(' · ');
  header.append(facts);
  const actions = el('div', 'actions');
  for (const format of ['csv', 'json'] as const) {
    const button = el('button', 'export', `Export ${format.toUpperCase()}`) as HTMLButtonElement;
    button.dataset.format = format;
    button.addEventListener('click', () => vscode.postMessage({ type: 'export', format }));
    actions.append(button);
  }
  header.append(actions);
  app.append(header);

  const pages = Math.max(1, Math.ceil(result.rows.length / pageSize));
  page = Math.min(page, pages - 1);
  const rows = result.rows.slice(page * pageSize, (page + 1) * pageSize);
  const table = document.createElement('table');
  table.className = 'grid';
  const head = table.createTHead().insertRow();
  head.append(el('th', 'rownum', '#'));
  for (const c of result.columns) head.append(el('th', '', c));
  const body = table.createTBody();
  rows.forEach((row, i) => {
    const tr = body.insertRow();
    tr.append(el('td', 'rownum', String(page * pageSize + i + 1)));
    for (const c of result.columns) {
      const value = row[c];
      const td = el('td', value === null || value === undefined ? 'null' : typeof value === 'number' ? 'number' : '', cell(value));
      tr.append(td);
    }
  });
  const scroller = el('div', 'scroller');
  scroller.append(table);
  app.append(scroller);

  const pager = el('nav', 'pager');
  pager.setAttribute('aria-label', 'Pages');
  const prev = el('button', '', '‹ Previous') as HTMLButtonElement;
  prev.disabled = page === 0;
  prev.addEventListener('click', () => {
    page--;
    render();
  });
  const next = el('button', '', 'Next ›') as HTMLButtonElement;
  next.disabled = page >= pages - 1;
  next.addEventListener('click', () => {
    page++;
    render();
  });
  const from = result.rows.length ? page * pageSize + 1 : 0;
  const to = Math.min((page + 1) * pageSize, result.rows.length);
  pager.append(prev, el('span', 'position', `rows ${count(from)}–${count(to)} of ${count(result.rows.length)} · page ${page + 1} of ${pages}`), next);
  app.append(pager);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
