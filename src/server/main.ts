import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { batchedOutput } from './batchedOutput';
import { PipelineLensServer } from './pipelineLensServer';

// The transport (--stdio, --node-ipc, --socket=N, --pipe=NAME) comes from the command
// line the client started us with; over stdio, messages answered together leave together.
const connection = process.argv.includes('--stdio') ? createConnection(ProposedFeatures.all, process.stdin, batchedOutput(process.stdout)) : createConnection(ProposedFeatures.all);
new PipelineLensServer(connection).listen();
