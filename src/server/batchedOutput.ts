import { Writable } from 'node:stream';

/**
 * The server's stdout when it talks over stdio, with everything written in one turn of the
 * event loop sent in one write. vscode-jsonrpc writes each message's header and body
 * separately: a thousand lens resolves answered together were two thousand pipe writes,
 * each a system call that can wait for the editor to read the pipe.
 */
export function batchedOutput(target: NodeJS.WritableStream): Writable {
  let pending: Buffer[] = [];
  const flush = () => {
    const chunks = pending;
    pending = [];
    target.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  };
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (pending.length === 0) setImmediate(flush);
      pending.push(chunk);
      // The target buffers what the pipe cannot take yet; waiting for it here would send one message per turn.
      callback();
    },
  });
  target.on('error', (error: Error) => output.destroy(error));
  return output;
}
