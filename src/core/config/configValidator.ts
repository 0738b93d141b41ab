import Ajv, { type ValidateFunction } from 'ajv';
import schema from '../../../schemas/pipeline-lens.schema.json';

/**
 * The options the schema is compiled with. scripts/configValidator.mjs compiles it with the
 * same ones for the bundles (a test holds the two to the same answers).
 */
export const VALIDATOR_OPTIONS = { allErrors: true, strict: false } as const;

/**
 * The validator of pipeline-lens.json. Compiling the schema takes 0.3-1.5 s of CPU at every
 * start, and a language server's first lens waits for the config: the bundles replace this
 * module with the validator compiled at build time (scripts/configValidator.mjs); running
 * from source (tests), it is compiled here.
 */
export function configValidator(): ValidateFunction {
  return new Ajv(VALIDATOR_OPTIONS).compile(schema);
}
