/**
 * Failures a view answers with a welcome message that says what to do (package.json
 * `viewsWelcome`, keyed on `pipelineLens.<view>.problem`) rather than an error row. Read
 * from the engine's messages, which name the remedy: `gcloud auth application-default
 * login` for credentials, installing git or opening the repository for git.
 */
export type ViewProblem = 'credentials' | 'git' | null;

const CREDENTIALS = /credentials|application default|gcloud auth|invalid_grant|unauthenticated|warehouse\.keyFilename/i;
const GIT = /not (inside )?a git repository|git was not found|git could not be run|bare repository|has no commits yet|git refuses to read/i;

export function classifyProblem(message: string): ViewProblem {
  if (CREDENTIALS.test(message)) return 'credentials';
  if (GIT.test(message)) return 'git';
  return null;
}
