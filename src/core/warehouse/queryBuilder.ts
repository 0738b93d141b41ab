import type { ColumnNeed, ColumnType, CatalogQuery, TableScope } from './columnNeeds';
import { columnRef } from './identifiers';
import type { ParamType, ParamValue } from './types';

/**
 * Assembles one catalog query: typed parameters, and a record of every configured column
 * it reads, so that when the warehouse refuses the query the setting at fault can be found.
 */
export class QueryBuilder {
  readonly params: Record<string, ParamValue> = {};
  readonly types: Record<string, ParamType> = {};
  private readonly needs = new Map<string, ColumnNeed>();

  param(name: string, type: ParamType, value: ParamValue): string {
    this.params[name] = value;
    this.types[name] = type;
    return `@${name}`;
  }

  /**
   * `alias.column` for a configured column, recorded with the type the query reads it as.
   * `key` is the setting's name under the table's `columns` (or a full config path when it
   * starts with `tables.` or `features.`: a join key another table's settings name).
   */
  column(scope: TableScope, alias: string, key: string, column: string, type: ColumnType, optional = true): string {
    const path = key.startsWith('features.') || key.startsWith('tables.') ? key : `${scope.key}.columns.${key}`;
    const known = this.needs.get(path);
    // A column read as a number somewhere and as anything elsewhere must be a number.
    if (!known || known.type === 'any') this.needs.set(path, { key: path, column, type, optional, scope });
    return `${alias}.${columnRef(column)}`;
  }

  build(name: string, sql: string): CatalogQuery {
    return { name, sql: sql.trim(), params: this.params, types: this.types, needs: [...this.needs.values()] };
  }
}
