import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyProblem } from '../../../src/extension/views/problemKinds';

/* The engine's own messages decide which welcome message a failed view shows. */
describe('view problems', () => {
  it('reads missing, expired or rejected credentials as a credentials problem', () => {
    for (const m of [
      'No Google Cloud credentials for BigQuery. Run `gcloud auth application-default login`, or set warehouse.keyFilename in pipeline-lens.json to a service-account key file.',
      'The Google Cloud credentials have expired or were revoked (invalid_grant). Run `gcloud auth application-default login` again.',
      'BigQuery rejected the credentials (401). Run `gcloud auth application-default login` again.',
      'Cannot use the service-account key /k.json (warehouse.keyFilename in pipeline-lens.json): ENOENT.',
    ]) {
      assert.equal(classifyProblem(m), 'credentials', m);
    }
  });

  it('reads a missing repository or git as a git problem', () => {
    for (const m of [
      "/x is not inside a git repository; open the folder that holds your pipeline's code (the one with .git), or run `git init` there.",
      'git was not found on PATH; install git (https://git-scm.com/downloads) or add the folder that contains it to PATH, then reload the window.',
      'git could not be run from /opt/git; check that path (the git.path setting) or install git from https://git-scm.com/downloads.',
      'The repository at /x has no commits yet; commit something first.',
    ]) {
      assert.equal(classifyProblem(m), 'git', m);
    }
  });

  it('leaves anything else to an error row', () => {
    assert.equal(classifyProblem('Query modelCommitDate failed: table not found'), null);
  });
});
