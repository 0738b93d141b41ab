import type { RunQueryResult } from '../../shared/protocol';

export interface QueryResultsView {
  /** What ran: a file name, or "selection of x.sql". */
  title: string;
  result: RunQueryResult;
  pageSize: number;
}

/** Extension → query results page. */
export type ToQueryResults = { type: 'data'; view: QueryResultsView };

/** Query results page → extension. */
export type FromQueryResults = { type: 'ready' } | { type: 'export'; format: 'csv' | 'json' } | { type: 'page'; page: number };
