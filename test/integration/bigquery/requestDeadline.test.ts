import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineExceeded, withinDeadline } from '../../../src/core/warehouse/bigquery/requestDeadline';
import { JsonHttpServer } from '../../fakes/jsonHttpServer';

/*
 * The per-request limit is about the server's answer. The work before the first request
 * (the client loading its HTTP layer, building the request: seconds of the process's own
 * time on a busy machine) is not the server's silence, so it does not count; a request
 * that is then not answered in time is abandoned as before.
 */

const LIMIT_MS = 200;

/** GETs `url` and resolves with the JSON body. */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(JSON.parse(text)));
      response.on('error', reject);
    }).on('error', reject);
  });
}

describe('the per-request deadline', () => {
  let server: JsonHttpServer;

  before(async () => {
    // /answer answers at once; anything else is read and never answered.
    server = await JsonHttpServer.start((request) => (request.path === '/answer' ? { status: 200, body: { answered: true } } : new Promise(() => undefined)));
  });
  after(async () => {
    await server?.close();
  });

  it('counts from the first request, not from the call: a slow start before it is not a missing answer', async () => {
    const answer = await withinDeadline(LIMIT_MS, async () => {
      await sleep(LIMIT_MS * 3);
      return getJson(`${server.url}/answer`);
    });
    assert.deepEqual(answer, { answered: true });
  });

  it('abandons a request that is not answered within the limit once it was sent, and the server saw it', async () => {
    const before = server.requests.length;
    await assert.rejects(
      withinDeadline(LIMIT_MS, async () => {
        await sleep(LIMIT_MS * 3);
        return getJson(`${server.url}/silence`);
      }),
      (error: unknown) => error instanceof DeadlineExceeded && error.ms === LIMIT_MS,
    );
    assert.equal(server.requests.length, before + 1, 'the request reached the server before it was abandoned');
  });
});
