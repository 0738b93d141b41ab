import { runRevisionV2, runServiceV2, type ServiceSpec } from './cloudRunResponses';
import { JsonApiFake, type JsonResponse, type RecordedRequest, type TlsIdentity } from './jsonHttpServer';

/**
 * A local fake of the Cloud Run Admin API v2 on 127.0.0.1: services.get and
 * revisions.list (newest first, paged by `pageSize`/`pageToken` as the API does), for the
 * product's REST client to talk to through `apiEndpoint`. Requests are recorded; errors
 * can be injected.
 */
export class FakeCloudRun extends JsonApiFake {
  private readonly services = new Map<string, ServiceSpec>();
  private readonly failures: Array<{ status: number; message: string; times: number }> = [];
  /** The most revisions the fake returns per page, whatever pageSize asks for. */
  maxPageSize = 100;

  /** `tls`: serve HTTPS with this key and certificate. */
  static async start(options: { tls?: TlsIdentity } = {}): Promise<FakeCloudRun> {
    const fake = new FakeCloudRun();
    await fake.serve(options.tls);
    return fake;
  }

  /** Serves (or replaces) a service and its revisions. */
  setService(spec: ServiceSpec): void {
    this.services.set(`projects/${spec.project}/locations/${spec.region}/services/${spec.service}`, spec);
  }

  failNext(status: number, message: string, times = 1): void {
    this.failures.push({ status, message, times });
  }

  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
    this.maxPageSize = 100;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  protected handle(request: RecordedRequest): JsonResponse {
    const failure = this.failures[0];
    if (failure) {
      if (--failure.times <= 0) this.failures.shift();
      return error(failure.status, failure.message);
    }
    const match = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+)(\/revisions)?$/.exec(request.path);
    if (request.method !== 'GET' || !match) return error(404, `The fake has no ${request.method} ${request.path}`);
    const spec = this.services.get(match[1]);
    if (!spec)
      return error(404, `Resource '${match[1].split('/').pop()}' of kind 'SERVICE' in region '${match[1].split('/')[3]}' in project '${match[1].split('/')[1]}' does not exist.`);
    if (!match[2]) return { status: 200, body: runServiceV2(spec) };
    const all = [...spec.revisions].sort((a, b) => b.createTime.localeCompare(a.createTime)).map((r) => runRevisionV2(spec, r));
    const start = request.query.pageToken ? Number(request.query.pageToken) : 0;
    const size = Math.min(this.maxPageSize, Number(request.query.pageSize ?? 100));
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return { status: 200, body: { revisions: page, ...(next ? { nextPageToken: next } : {}) } };
  }
}

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL' };

function error(code: number, message: string): JsonResponse {
  return { status: code, body: { error: { code, message, status: STATUS[code] ?? 'UNKNOWN' } } };
}
