import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/*
 * What the language server holds for its lifetime is its bundle's source, kept by V8 one
 * byte a character only when every character is ASCII (one `±` doubles it), and Google's
 * client libraries only once a workspace uses BigQuery or Cloud Run. Checked on the bundles
 * `npm run build` wrote (npm test builds before the tests). That the server still talks to
 * BigQuery through the separate bundle is checked by featureLayouts.test.ts, which runs
 * dist/server.js against the local BigQuery fake.
 */

const DIST = join(__dirname, '../../../dist');
const read = (file: string) => readFileSync(join(DIST, file), 'utf8');

describe('the bundles the language server runs', () => {
  it('every bundle in dist/ is ASCII', () => {
    const bundles = readdirSync(DIST).filter((f) => f.endsWith('.js'));
    assert.ok(bundles.includes('server.js') && bundles.includes('googleCloud.js'), `bundles built: ${bundles.join(', ')}`);
    for (const file of bundles) {
      const source = read(file);
      let at = -1;
      for (let i = 0; i < source.length && at === -1; i++) if (source.charCodeAt(i) > 0x7f) at = i;
      assert.equal(at, -1, `${file} has a non-ASCII character at ${at}: "${source.slice(Math.max(0, at - 40), at + 10)}"`);
    }
  });

  it("the server's bundle leaves Google's libraries to googleCloud.js, required where a workspace uses them", () => {
    const server = read('server.js');
    const google = read('googleCloud.js');
    for (const library of ['google-auth-library', '@google-cloud/bigquery', 'gaxios']) {
      assert.ok(!server.includes(`node_modules/${library}/`), `server.js bundles ${library}`);
      assert.ok(google.includes(`node_modules/${library}/`), `googleCloud.js lacks ${library}`);
    }
    assert.match(server, /require\("\.\/googleCloud\.js"\)/);
  });

  it('the command line keeps them inside: a job image may hold dist/cli.js alone', () => {
    const cli = read('cli.js');
    assert.ok(cli.includes('node_modules/google-auth-library/'));
    assert.ok(!cli.includes('googleCloud.js'));
  });
});
