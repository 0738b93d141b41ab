import * as vscode from 'vscode';
import { Commands } from '../../shared/protocol';
import type { CtxInit } from '../ctx';

const VIEW_TYPE = 'pipelineLens.report';

/** What the panel shows: markdown from the server or the client's own text, and its title. */
export interface Report {
  title: string;
  markdown: string;
  /** Markdown shown before the figure (a title, the actions); the figure then comes above `markdown`. */
  lead?: string;
  /** HTML the page shows as it is (a static SVG chart): built by our own renderer in the server, never taken from a document. */
  figure?: string;
}

/** What a test reads of the panel: the markdown it was given and the HTML it shows. */
export interface RenderedReport extends Report {
  html: string;
}

/**
 * One panel for every report (a commit's provenance, the investigation, the server status),
 * reused: markdown rendered by VS Code's own markdown engine, in the theme's colours, whose
 * `command:` links run our commands and nothing else. The page runs no script at all.
 */
export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private shown: RenderedReport | null = null;

  static async show(ctx: CtxInit, report: Report): Promise<ReportPanel> {
    const panel = ReportPanel.current ?? new ReportPanel(ctx);
    ReportPanel.current = panel;
    await panel.render(report);
    panel.panel.reveal(panel.panel.viewColumn ?? vscode.ViewColumn.Beside, false);
    return panel;
  }

  static open(): ReportPanel | undefined {
    return ReportPanel.current;
  }

  private constructor(private readonly ctx: CtxInit) {
    const root = ctx.extension.extensionUri;
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Pipeline Lens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      {
        enableScripts: false,
        enableCommandUris: Object.values(Commands),
        enableFindWidget: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'pipeline-lens.svg');
    this.panel.onDidDispose(() => {
      if (ReportPanel.current === this) ReportPanel.current = undefined;
    });
  }

  rendered(): RenderedReport | null {
    return this.shown;
  }

  private async render(report: Report): Promise<void> {
    const lead = report.lead ? await renderMarkdown(report.lead, this.ctx) : '';
    const body = `${lead}${report.figure ?? ''}${await renderMarkdown(report.markdown, this.ctx)}`;
    const webview = this.panel.webview;
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'report.css'));
    const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`].join('; ');
    const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(report.title)}</title>
</head>
<body>
<main class="report">
${body}
</main>
</body>
</html>`;
    this.panel.title = report.title;
    webview.html = html;
    this.shown = { ...report, html: body };
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/**
 * VS Code's markdown engine (the built-in markdown extension's `markdown.api.render`), so
 * tables, code and links render as in the markdown preview. Without that extension (disabled
 * by the user) the text is still shown, as preformatted text, with the reason.
 */
async function renderMarkdown(markdown: string, ctx: CtxInit): Promise<string> {
  try {
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
    if (typeof html === 'string') return html;
  } catch (error) {
    ctx.output.warn(`The markdown engine did not render a report: ${(error as Error).message}`);
  }
  return `<p class="fallback">VS Code's built-in Markdown extension is disabled, so this report is shown unrendered; enable "Markdown Language Features" to render it.</p><pre>${escapeHtml(markdown)}</pre>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
