import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

/** An AbortSignal that fires when the client cancels the request, for engine code that knows no LSP. */
export function toAbortSignal(token: CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { reason?: string }).reason === 'cancelled');
}

/** What a handler throws when its request was cancelled: the client then drops the answer. */
export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}
