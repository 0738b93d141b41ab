import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { PipelineLensServer } from './pipelineLensServer';

// The transport (--stdio, --node-ipc, --socket=N, --pipe=NAME) comes from the command
// line the client started us with.
new PipelineLensServer(createConnection(ProposedFeatures.all)).listen();
