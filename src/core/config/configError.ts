/** A configuration problem, with the file and JSON path it concerns and what to do. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string | null = null,
    readonly jsonPath: string | null = null,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
