import { WarehouseError } from './types';

/*
 * Identifiers from config are the only text the product splices into SQL; every value goes
 * in as a typed parameter. So identifiers are held to BigQuery's plainest forms, checked
 * whole, and always quoted: nothing that could close a quote or start a statement gets in.
 */

// BigQuery project ids: lowercase letters, digits and hyphens, starting with a letter, at most 30.
const PROJECT = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
// Dataset and table names: letters, digits and underscores, at most 1024.
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE = /^[A-Za-z0-9_]{1,1024}$/;
// Column names: a letter or underscore, then letters, digits, underscores; at most 300.
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;

const TABLE_RULE =
  'expected dataset.table or project.dataset.table, where project is lowercase letters, digits and ' +
  'hyphens starting with a letter (at most 30), and dataset and table are letters, digits and ' +
  'underscores (at most 1024 each)';
const COLUMN_RULE = 'expected [A-Za-z_][A-Za-z0-9_]* (at most 300 characters)';

export interface TableName {
  project: string | null;
  dataset: string;
  table: string;
}

/** Splits and checks a table name from config; throws WarehouseError naming what is wrong. */
export function parseTableName(name: string): TableName {
  const parts = typeof name === 'string' ? name.split('.') : [];
  const valid =
    (parts.length === 2 && DATASET.test(parts[0]) && TABLE.test(parts[1])) || (parts.length === 3 && PROJECT.test(parts[0]) && DATASET.test(parts[1]) && TABLE.test(parts[2]));
  if (!valid) {
    throw new WarehouseError(`Invalid table name ${JSON.stringify(name)}: ${TABLE_RULE}.`, 'invalid-identifier');
  }
  return parts.length === 3 ? { project: parts[0], dataset: parts[1], table: parts[2] } : { project: null, dataset: parts[0], table: parts[1] };
}

export function isValidTableName(name: string): boolean {
  try {
    parseTableName(name);
    return true;
  } catch {
    return false;
  }
}

/** A table name for placing in BigQuery SQL: `` `project.dataset.table` ``. */
export function tableRef(name: string): string {
  parseTableName(name);
  return `\`${name}\``;
}

/**
 * A column name for placing in BigQuery SQL, always quoted, so columns named like reserved
 * words (`end`, `rows`, `hash`) still work.
 */
export function columnRef(name: string): string {
  if (typeof name !== 'string' || !COLUMN.test(name)) {
    throw new WarehouseError(`Invalid column name ${JSON.stringify(name)}: ${COLUMN_RULE}.`, 'invalid-identifier');
  }
  return `\`${name}\``;
}
