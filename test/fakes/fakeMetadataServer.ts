import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the GCE metadata server, the last place google-auth-library looks for
 * Application Default Credentials: with `GCE_METADATA_HOST` pointing here and
 * `METADATA_SERVER_DETECTION=assume-present`, the real library takes the access token this
 * server hands out. The token is unique per fake, so a test can tell it from anything
 * else arriving at an endpoint. Like the real server it answers only requests carrying
 * `Metadata-Flavor: Google`, and says `Metadata-Flavor: Google` back (the library checks).
 */
export class FakeMetadataServer {
  readonly token = `pl-fake-adc-${randomUUID()}`;
  /** Paths asked for, in order. */
  readonly requests: string[] = [];

  private constructor(
    private readonly server: Server,
    /** `host:port`, the value of GCE_METADATA_HOST. */
    readonly host: string,
  ) {}

  static async start(): Promise<FakeMetadataServer> {
    let instance: FakeMetadataServer | null = null;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://metadata');
      instance?.requests.push(url.pathname);
      const headers = { 'Metadata-Flavor': 'Google' };
      if (req.headers['metadata-flavor'] !== 'Google') {
        res.writeHead(403, headers).end('Missing Metadata-Flavor: Google');
        return;
      }
      switch (url.pathname) {
        case '/computeMetadata/v1/instance/service-accounts/default/token':
          res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ access_token: instance!.token, expires_in: 3599, token_type: 'Bearer' }));
          return;
        case '/computeMetadata/v1/project/project-id':
          res.writeHead(200, { ...headers, 'content-type': 'application/text' }).end('pl-metadata-project');
          return;
        case '/computeMetadata/v1/universe/universe-domain':
          res.writeHead(200, { ...headers, 'content-type': 'application/text' }).end('googleapis.com');
          return;
        default:
          res.writeHead(404, headers).end('Not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new FakeMetadataServer(server, `127.0.0.1:${port}`);
    return instance;
  }

  /** Access tokens handed out so far. */
  get tokensIssued(): number {
    return this.requests.filter((p) => p.endsWith('/service-accounts/default/token')).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
