import { Chart } from '../../../components/Chart';
import { Markdown } from '../../../components/Markdown';
import { sanitizeHtml } from '../../../components/sanitize';

const joinText = (value: unknown): string => (Array.isArray(value) ? value.join('') : String(value));

/** Strips ANSI colour codes that Jupyter tracebacks and streams carry. */
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Outputs imported from another tool: the richest mime type we can show safely, read-only. */
export function MimeBundleView({ data }: { data: Readonly<Record<string, unknown>> }) {
  const plotly = data['application/vnd.plotly.v1+json'] as { data?: unknown[]; layout?: Record<string, unknown> } | undefined;
  if (plotly?.data) return <Chart data={plotly.data} layout={plotly.layout ?? {}} />;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif'] as const) {
    if (typeof data[mime] === 'string') return <img className="output-image" alt="imported output" src={`data:${mime};base64,${joinText(data[mime]).trim()}`} />;
  }
  if (data['image/svg+xml'] !== undefined) return <div className="output-html" dangerouslySetInnerHTML={{ __html: sanitizeHtml(joinText(data['image/svg+xml'])) }} />;
  if (data['text/html'] !== undefined) return <div className="output-html" dangerouslySetInnerHTML={{ __html: sanitizeHtml(joinText(data['text/html'])) }} />;
  if (data['text/markdown'] !== undefined) return <Markdown source={joinText(data['text/markdown'])} />;
  if (data['text/plain'] !== undefined) return <pre className="output-text">{stripAnsi(joinText(data['text/plain']))}</pre>;
  return <pre className="output-text">[output of type {Object.keys(data).join(', ') || 'unknown'} cannot be shown]</pre>;
}
