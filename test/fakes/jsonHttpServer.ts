import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A JSON-over-HTTP server on 127.0.0.1 for fakes of Google APIs: it records every request
 * (method, path, query, parsed body, headers) so tests can assert what the real client
 * sent, and hands each to a typed handler. With `tls` it speaks HTTPS (a certificate the
 * test made), for what only an https endpoint is sent: credentials.
 */

export interface TlsIdentity {
  key: string;
  cert: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/bigquery/v2/projects/p/jobs`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  /** Close the connection instead of answering, as a server that fails mid-request does. */
  drop?: boolean;
}

export type JsonHandler = (request: RecordedRequest) => Promise<JsonResponse> | JsonResponse;

export class JsonHttpServer {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly port: number,
  ) {}

  static async start(handler: JsonHandler, options: { tls?: TlsIdentity } = {}): Promise<JsonHttpServer> {
    let instance: JsonHttpServer | null = null;
    const listener = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      void readRequest(req).then(async (request) => {
        instance?.requests.push(request);
        let response: JsonResponse;
        try {
          response = await handler(request);
        } catch (error) {
          response = {
            status: 500,
            body: { error: { code: 500, message: `fake failed: ${(error as Error).message}`, errors: [{ reason: 'backendError', message: (error as Error).message }] } },
          };
        }
        if (response.drop) {
          res.socket?.destroy();
          return;
        }
        const text = JSON.stringify(response.body);
        res.writeHead(response.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    };
    const server: Server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new JsonHttpServer(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, port);
    return instance;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://fake');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, headers: req.headers };
}

/** A fake Google API: its requests are answered by `handle` on a JsonHttpServer started by `serve`. */
export abstract class JsonApiFake {
  private server!: JsonHttpServer;

  protected abstract handle(request: RecordedRequest): Promise<JsonResponse> | JsonResponse;

  protected async serve(tls: TlsIdentity | undefined): Promise<void> {
    this.server = await JsonHttpServer.start((request) => this.handle(request), { tls });
  }

  /** The `apiEndpoint` to give the client. */
  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  protected closeServer(): Promise<void> {
    return this.server.close();
  }
}
