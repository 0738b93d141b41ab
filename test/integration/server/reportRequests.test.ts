import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import {
  FindingsRequest,
  HandoffNoteRequest,
  InvestigationReportRequest,
  StatusReportRequest,
  StatusRequest,
  type FindingsResult,
  type HandoffNoteResult,
  type InvestigationReportResult,
  type StatusReport,
} from '../../../src/shared/protocol';
import { LspHarness } from './lspHarness';

/*
 * The investigation report, the handoff note and the status report are rendered by the real
 * server, beside the data they show; the editor only shows the text or writes the files.
 * Asked here as the extension asks, with the findings the Findings view holds.
 */
describe('server requests rendering the reports the editor shows', () => {
  let dir: string;
  let demo: DemoManifest;
  let server: LspHarness;
  let findings: FindingsResult;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-report-requests-'));
    demo = await generateDemo(join(dir, 'demo'));
    server = await LspHarness.start({ folders: [demo.root] });
    await server.ready();
    findings = await ask<FindingsResult>(FindingsRequest.method, {});
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);

  it('investigation report: the findings given, their links, and the hit-rate chart whose markers open provenance', async () => {
    const report = await ask<InvestigationReportResult>(InvestigationReportRequest.method, { findings });
    assert.equal(report.title, `Investigation ${findings.window.from} → ${findings.window.to}`);
    assert.match(report.lead, /^# /);
    assert.match(report.lead, /\[Export as handoff note\]\(command:pipelineLens\.exportHandoffNote\)/);
    const sections = report.markdown.match(/^### \d+\. \[\w+\]/gm) ?? [];
    assert.equal(sections.length, findings.findings.length, 'one section per finding, the ones given');
    assert.match(report.markdown, /\[Provenance of 38ab3820\]\(command:pipelineLens\.showCommitProvenance\?/);
    assert.match(report.figure, /^<figure class="hit-rate">/);
    assert.match(report.figure, /<line class="marker deployment"[^>]*><title>Deployed prediction-worker prediction-worker-00069-wqf/);
    assert.match(report.figure, /href="command:pipelineLens\.showCommitProvenance\?[^"]*38ab3820/, 'the fix marker opens its provenance');
  });

  it('handoff note: the markdown links the chart file given, and the SVG to write beside it carries no editor command', async () => {
    const note = await ask<HandoffNoteResult>(HandoffNoteRequest.method, { findings, chartFile: '2026-02-02-regression.svg' });
    assert.match(note.markdown, /^# Investigation of /);
    assert.match(note.markdown, /^!\[Hit rate per game date of [^\]]+\]\(\.\/2026-02-02-regression\.svg\)$/m);
    assert.ok(note.markdown.includes(findings.source.configFile), 'says where its figures came from');
    assert.ok(!note.markdown.includes('command:'), 'a file on disk links no editor command');
    assert.match(note.svg!, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
    assert.ok(!note.svg!.includes('command:'));
  });

  it('without a graded day in the window, the report and the note still stand and say why there is no chart', async () => {
    const empty: FindingsResult = { ...findings, window: { from: '2030-01-01', to: '2030-01-31' }, findings: [], skipped: [] };
    const report = await ask<InvestigationReportResult>(InvestigationReportRequest.method, { findings: empty });
    assert.match(report.figure, /^<p class="hit-rate-none">/);
    assert.ok(!report.figure.includes('<svg'));
    const note = await ask<HandoffNoteResult>(HandoffNoteRequest.method, { findings: empty, chartFile: 'empty.svg' });
    assert.equal(note.svg, null, 'no chart file to write');
    assert.ok(!note.markdown.includes('./empty.svg'), 'the note links no chart that is not written');
  });

  it('status report: each workspace as a table of what is loaded, beside the status it was rendered from', async () => {
    const report = await server.connection.sendRequest<StatusReport>(StatusReportRequest.method);
    assert.equal(report.status.pid, (await server.connection.sendRequest<StatusReport['status']>(StatusRequest.method)).pid);
    assert.match(report.markdown, /^# Pipeline Lens server status\n/);
    assert.equal((report.markdown.match(/^## /gm) ?? []).length, report.status.workspaces.length, 'a section per workspace');
    assert.match(report.markdown, /^\| commit graph \| (✓ ready, [\d,]+ commits|loading…|not loaded yet) \|$/m);
    assert.match(report.markdown, /\[Refresh\]\(command:pipelineLens\.refresh\)/);
  });
});
