import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import type { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/*
 * The shared protocol file declares its messages with the protocol package the client
 * uses; vscode-languageserver bundles its own copy of the same classes, which TypeScript
 * treats as different types. These adapters register by method name and keep the
 * parameter and result types of the shared declaration, so both sides stay checked
 * against the one file.
 */

export function onRequest<P, R>(connection: Connection, type: RequestType<P, R, void>, handler: (params: P, token: CancellationToken) => Promise<R>): void {
  connection.onRequest(type.method, (params: P, token: CancellationToken) => handler(params, token));
}

export function onRequest0<R>(connection: Connection, type: RequestType0<R, void>, handler: (token: CancellationToken) => Promise<R>): void {
  connection.onRequest(type.method, (token: CancellationToken) => handler(token));
}

export function onNotification0(connection: Connection, type: NotificationType0, handler: () => void): void {
  connection.onNotification(type.method, () => handler());
}

export function sendNotification<P>(connection: Connection, type: NotificationType<P>, params: P): Promise<void> {
  return connection.sendNotification(type.method, params);
}
