import { WarehouseError } from './types';

/** A parameter value that does not fit its declared type, said the same way on every engine. */
export function invalidParam(label: string, value: unknown, expected: string): WarehouseError {
  const shown = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return new WarehouseError(`Parameter ${label} is ${shown}, which is not a valid ${expected}.`, 'invalid-param');
}
