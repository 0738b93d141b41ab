import { dirname } from 'node:path';
import { WarehouseError } from '../types';

/**
 * DuckDB's native binding (`@duckdb/node-bindings` and its platform package) is the one
 * part of the engine no bundle can hold. When it cannot be loaded, say where Node looked
 * for it and which version to install there, instead of a bare "Cannot find module".
 */
export function loadWithDuckdb<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (!/@duckdb\/node-bindings|duckdb\.node|libduckdb|duckdb\.dll/.test(message)) throw error;
    throw new WarehouseError(
      `DuckDB's native binding cannot be loaded (${message.split('\n')[0]}). It must sit where Node finds it from ${bundleFolder()}: run \`npm install @duckdb/node-bindings@${bindingVersion()}\` in that folder (or one above it), or point NODE_PATH at a node_modules folder holding it.`,
      'duckdb-binding',
    );
  }
}

function bundleFolder(): string {
  return require.main?.filename ? dirname(require.main.filename) : process.cwd();
}

/** The binding version the bundled DuckDB client pins. */
function bindingVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file outside the TypeScript project
  const { dependencies } = require('@duckdb/node-api/package.json') as { dependencies?: Record<string, string> };
  return dependencies?.['@duckdb/node-bindings'] ?? '<the version @duckdb/node-api pins>';
}
