import type { Connection } from 'vscode-languageserver/node';
import {
  CommitDiffRequest,
  CommitProvenanceRequest,
  DeploymentsRequest,
  FeatureCoverageRequest,
  FindingsRequest,
  GenerateDemoRequest,
  HandoffNoteRequest,
  InvestigationReportRequest,
  OwningServicesRequest,
  ParameterTextRequest,
  PlanQueryRequest,
  ReadinessRequest,
  RowSqlRequest,
  RunQueryRequest,
  StatementRangesRequest,
  StatusReportRequest,
  StatusRequest,
  TimelineRequest,
  TreeRequest,
  VerifyRequest,
} from '../shared/protocol';
import { generateDemoWorkspace } from './handlers/demo';
import { findings } from './handlers/findings';
import { modelsTree, treeRowSql } from './handlers/models';
import { commitDiff, commitProvenance } from './handlers/provenance';
import { parameterText, planEditorQuery, runEditorQuery, sqlStatementRanges } from './handlers/queries';
import { readiness } from './handlers/readiness';
import { handoffNote, investigationReport } from './handlers/reports';
import { serverStatus, serverStatusReport, type ServerCounters } from './handlers/status';
import { featureCoverage, timeline } from './handlers/timeline';
import { deployments, owningServices, verify } from './handlers/verification';
import { onRequest, onRequest0 } from './protocolHandlers';
import type { ServerContext } from './serverContext';

/**
 * The server side of the custom requests in src/shared/protocol.ts, one line each. The
 * handlers are thin wrappers over the engine, one file per capability under handlers/,
 * each answering for the workspace its scope falls in.
 */
export function registerCustomRequests(c: Connection, context: ServerContext, counters: ServerCounters): void {
  onRequest0(c, StatusRequest.type, () => serverStatus(context, counters));
  onRequest0(c, StatusReportRequest.type, () => serverStatusReport(context, counters));
  onRequest(c, CommitProvenanceRequest.type, (params, token) => commitProvenance(context, params, token));
  onRequest(c, CommitDiffRequest.type, (params, token) => commitDiff(context, params, token));
  onRequest(c, TreeRequest.type, (params, token) => modelsTree(context, params, token));
  onRequest(c, FindingsRequest.type, (params, token) => findings(context, params, token));
  onRequest(c, TimelineRequest.type, (params, token) => timeline(context, params, token));
  onRequest(c, InvestigationReportRequest.type, (params, token) => investigationReport(context, params, token));
  onRequest(c, HandoffNoteRequest.type, (params, token) => handoffNote(context, params, token));
  onRequest(c, VerifyRequest.type, (params, token) => verify(context, params, token));
  onRequest(c, ReadinessRequest.type, (params, token) => readiness(context, params, token));
  onRequest(c, FeatureCoverageRequest.type, (params, token) => featureCoverage(context, params, token));
  onRequest(c, RowSqlRequest.type, (params, token) => treeRowSql(context, params, token));
  onRequest(c, DeploymentsRequest.type, (params, token) => deployments(context, params, token));
  onRequest(c, OwningServicesRequest.type, (params) => owningServices(context, params));
  onRequest(c, PlanQueryRequest.type, (params, token) => planEditorQuery(context, params, token));
  onRequest(c, RunQueryRequest.type, (params, token) => runEditorQuery(context, params, token));
  onRequest(c, StatementRangesRequest.type, (params) => sqlStatementRanges(params));
  onRequest(c, ParameterTextRequest.type, (params) => parameterText(params));
  onRequest(c, GenerateDemoRequest.type, (params) => generateDemoWorkspace(params));
}
