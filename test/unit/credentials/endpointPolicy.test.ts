import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideEndpoint, isLoopback, NO_CREDENTIAL_HOSTS, parseAllowedHosts, type CredentialHosts } from '../../../src/core/credentials/endpointPolicy';

/*
 * The rule of where credentials go, case by case: Google's endpoint, hosts the user
 * allowed (https only), loopback without credentials, anything else refused with a
 * message that names the setting, the host and how to allow it.
 */

const GOOGLE = 'https://bigquery.googleapis.com';
const allowing = (...hosts: string[]): CredentialHosts => ({ hosts: parseAllowedHosts(hosts).hosts, howToAllow: (host) => `allow ${host} like this` });
const decide = (configured: string | null, trust: CredentialHosts = NO_CREDENTIAL_HOSTS) =>
  decideEndpoint({ configured, googleEndpoint: GOOGLE, configKey: 'warehouse.apiEndpoint', configFile: '/repo/pipeline-lens.json', api: 'BigQuery', trust });

describe('decideEndpoint', () => {
  it("Google's endpoint gets credentials, named or not", () => {
    assert.deepEqual(decide(null), { kind: 'use', url: GOOGLE, credentials: true });
    assert.deepEqual(decide('https://bigquery.googleapis.com:443/'), { kind: 'use', url: GOOGLE, credentials: true });
  });

  it('a loopback endpoint is used without credentials, over http or https', () => {
    for (const endpoint of ['http://127.0.0.1:9050', 'https://127.0.0.1:8443', 'http://127.9.9.9:1', 'https://[::1]:8443', 'http://localhost:9050', 'https://LOCALHOST']) {
      const decision = decide(endpoint);
      assert.equal(decision.kind, 'use', endpoint);
      assert.equal(decision.kind === 'use' && decision.credentials, false, endpoint);
    }
  });

  it('any other host is refused, naming the setting, the file, the host and how to allow it', () => {
    const decision = decide('https://bq.example.com', allowing());
    assert.equal(decision.kind, 'refuse');
    assert.equal(
      decision.kind === 'refuse' && decision.message,
      "warehouse.apiEndpoint in /repo/pipeline-lens.json sends BigQuery requests to bq.example.com, which is not Google's endpoint (https://bigquery.googleapis.com). " +
        'Pipeline Lens sends your Google credentials only to Google and to hosts you allow yourself; a workspace file cannot allow one, so nothing was sent. ' +
        'If you trust bq.example.com, allow bq.example.com like this; otherwise remove warehouse.apiEndpoint.',
    );
    for (const endpoint of ['http://10.0.0.5:9050', 'https://169.254.169.254', 'https://bigquery.googleapis.com.example.com', 'https://europe-bigquery.googleapis.com']) {
      assert.equal(decide(endpoint).kind, 'refuse', endpoint);
    }
  });

  it('a host the user allowed gets credentials over https only; an entry with a port allows that port only', () => {
    assert.deepEqual(decide('https://bq.example.com:9443', allowing('bq.example.com')), { kind: 'use', url: 'https://bq.example.com:9443', credentials: true });
    assert.deepEqual(decide('http://bq.example.com:9050', allowing('bq.example.com')), { kind: 'use', url: 'http://bq.example.com:9050', credentials: false });
    assert.deepEqual(decide('https://BQ.Example.com', allowing('bq.example.com:443')), { kind: 'use', url: 'https://bq.example.com', credentials: true });
    assert.equal(decide('https://bq.example.com:9443', allowing('bq.example.com:443')).kind, 'refuse');
    assert.deepEqual(decide('https://127.0.0.1:8443', allowing('127.0.0.1')), { kind: 'use', url: 'https://127.0.0.1:8443', credentials: true });
  });

  it('what a refusal says to do comes from where the user runs', () => {
    const decision = decide('https://bq.example.com:9443', NO_CREDENTIAL_HOSTS);
    assert.match(
      decision.kind === 'refuse' ? decision.message : '',
      /add "bq\.example\.com:9443" to the user setting pipelineLens\.credentials\.allowedHosts in VS Code, or for the command line set PIPELINE_LENS_ALLOW_CREDENTIALS_TO=bq\.example\.com:9443/,
    );
  });
});

describe('isLoopback', () => {
  it('127.0.0.0/8, ::1 (also IPv4-mapped) and localhost; nothing else', () => {
    for (const host of ['127.0.0.1', '127.255.0.1', '[::1]', '::1', '::ffff:7f00:1', 'localhost', 'localhost.']) assert.equal(isLoopback(host), true, host);
    for (const host of ['10.0.0.1', '0.0.0.0', '169.254.169.254', 'localhost.example.com', '127.0.0.1.example.com', '::2', 'example.com'])
      assert.equal(isLoopback(host), false, host);
  });
});

describe('parseAllowedHosts', () => {
  it('keeps host and host:port, lowercased, and reports anything else', () => {
    assert.deepEqual(parseAllowedHosts([' BQ.example.com ', 'run.example.com:443', '[::1]:8443', '', 'https://x.example.com', 'x.example.com/path', 'user@x.example.com', 'a b']), {
      hosts: ['bq.example.com', 'run.example.com:443', '[::1]:8443'],
      invalid: ['https://x.example.com', 'x.example.com/path', 'user@x.example.com', 'a b'],
    });
  });
});
