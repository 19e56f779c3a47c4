/**
 * "Download as HTML": a standalone page of the rendered notebook (markdown rendered, code as
 * text, outputs as HTML, charts as static SVG). Everything user-provided is escaped or sanitized.
 */
import type { Cell, Notebook } from '../../core/notebook/types';
import type { CellOutput, DisplayBundle } from '../../core/outputs';
import { toPlainText } from '../../core/notebook/outputs';
import { escapeHtml, tableToHtml } from '../../core/ipynb/htmlTable';
import { renderMarkdown, sanitizeHtml } from '../../components/sanitize';

type PlotlyToImage = { toImage(figure: { data: unknown[]; layout: Record<string, unknown> }, options: { format: 'svg'; width: number; height: number }): Promise<string> };

async function chartToSvg(data: readonly unknown[], layout: Record<string, unknown>): Promise<string> {
  const module = await import('plotly.js-dist-min/plotly.min.js');
  const plotly = (module.default ?? module) as PlotlyToImage;
  const url = await plotly.toImage({ data: [...data], layout }, { format: 'svg', width: 760, height: 380 });
  return `<img alt="chart" src="${escapeHtml(url)}">`;
}

async function bundleToHtml(bundle: DisplayBundle): Promise<string> {
  switch (bundle.kind) {
    case 'markdown':
      return renderMarkdown(bundle.markdown);
    case 'html':
      return sanitizeHtml(bundle.html);
    case 'table':
      return tableToHtml(bundle);
    case 'image':
      return `<img alt="output" src="data:${bundle.mime};base64,${bundle.base64}">`;
    case 'plotly':
      return chartToSvg(bundle.data, bundle.layout).catch(() => `<pre>${escapeHtml(toPlainText(bundle))}</pre>`);
    default:
      return `<pre>${escapeHtml(toPlainText(bundle))}</pre>`;
  }
}

async function outputToHtml(output: CellOutput): Promise<string> {
  switch (output.type) {
    case 'stream':
      return `<pre class="${output.name}">${escapeHtml(output.text)}</pre>`;
    case 'error':
      return `<pre class="error">${escapeHtml(`${output.name}: ${output.message}\n${output.traceback.join('\n')}`)}</pre>`;
    case 'display':
      return bundleToHtml(output.bundle);
  }
}

async function cellToHtml(cell: Cell): Promise<string> {
  if (cell.type === 'markdown') return `<section class="md">${renderMarkdown(cell.source)}</section>`;
  if (cell.type === 'raw') return `<pre class="raw">${escapeHtml(cell.source)}</pre>`;
  const outputs = await Promise.all(cell.outputs.map(outputToHtml));
  return `<section class="code"><div class="prompt">[${cell.executionCount ?? ' '}]</div><pre class="source">${escapeHtml(cell.source)}</pre>${outputs.length ? `<div class="outputs">${outputs.join('\n')}</div>` : ''}</section>`;
}

const STYLE = `body{font:15px/1.55 system-ui,sans-serif;max-width:960px;margin:32px auto;padding:0 24px;color:#1c1917}
pre{font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;margin:0}
section{margin:14px 0}.code{position:relative}.prompt{position:absolute;left:-56px;font:12px monospace;color:#78716c}
.source{background:#f5f5f4;border:1px solid #e7e5e4;border-radius:6px;padding:8px 12px}
.outputs{padding:6px 0 0 4px}.stderr,.error{color:#b91c1c}table{border-collapse:collapse;font:12.5px monospace}
td,th{border-bottom:1px solid #e7e5e4;padding:2px 10px;text-align:left}img{max-width:100%}`;

export async function renderNotebookHtml(notebook: Notebook): Promise<string> {
  const cells = await Promise.all(notebook.cells.map(cellToHtml));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(notebook.name)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(notebook.name)}</h1>
${cells.join('\n')}
<footer><p style="color:#78716c;font-size:12px">Exported from Kiln on ${new Date().toISOString()}</p></footer>
</body></html>`;
}
