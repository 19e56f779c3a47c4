/**
 * A plain-text rendering of every display bundle: what copy-to-clipboard, text/plain in .ipynb
 * export and screen readers get when the rich view is not available.
 */
import { assertNever } from '../../lib/invariant';
import type { DisplayBundle } from '../outputs';
import { formatNumber, formatValue, groupThousands } from './formatValue';

type Bundle<K extends DisplayBundle['kind']> = Extract<DisplayBundle, { kind: K }>;

/** Mime bundle keys Kiln adds for itself; never shown to the user. */
const KILN_MIME_PREFIX = 'application/vnd.kiln.';

export function toPlainText(bundle: DisplayBundle): string {
  switch (bundle.kind) {
    case 'text':
      return bundle.text;
    case 'markdown':
      return bundle.markdown;
    case 'html':
      return htmlToText(bundle.html);
    case 'json':
      return jsonToText(bundle.value);
    case 'table':
      return bundle.isSeries ? seriesToText(bundle) : frameToText(bundle);
    case 'tensor':
      return tensorToText(bundle);
    case 'plotly':
      return plotlyToText(bundle);
    case 'image':
      return `<${bundle.mime} image, ${bundle.width}x${bundle.height}>`;
    case 'model':
      return modelToText(bundle);
    case 'progress':
      return progressToText(bundle);
    case 'mime':
      return mimeToText(bundle.data);
    default:
      return assertNever(bundle, 'display bundle');
  }
}

/**
 * Laid out like JSON.stringify(value, null, 2), but values JSON cannot hold (undefined, NaN,
 * Infinity, BigInt) are shown as what they are instead of silently becoming null or vanishing.
 */
export function jsonToText(value: unknown, indent = '', seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return '[Function]';
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (seen.has(value)) return '[Circular]';
  const inner = `${indent}  `;
  const nested = new Set(seen).add(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item: unknown) => `${inner}${jsonToText(item, inner, nested)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const items = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${jsonToText(item, inner, nested)}`);
  return `{\n${items.join(',\n')}\n${indent}}`;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Good enough for text/plain fallbacks: block tags become line breaks, other tags vanish. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|pre|table|thead|tbody)\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => decodeEntity(body) ?? entity)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return HTML_ENTITIES[body.toLowerCase()];
}

/** Lays out rows of cells in columns; `alignRight[i]` says how column i is padded (numbers read best right-aligned). */
function alignColumns(rows: readonly (readonly string[])[], alignRight: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return alignRight[i] === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

function frameToText(table: Bundle<'table'>): string {
  const header = ['', ...table.columns.map((column) => column.name)];
  const body = table.rows.map((row, r) => [
    formatValue(table.index[r] ?? r),
    ...table.columns.map((_, c) => formatValue(row[c])),
  ]);
  const alignRight = header.map((_, i) => i > 0);
  const lines = alignColumns([header, ...body], alignRight);
  if (table.rows.length < table.shape[0]) lines.push('...');
  lines.push(`[${table.shape[0]} rows x ${table.shape[1]} columns]`);
  return lines.join('\n');
}

function seriesToText(table: Bundle<'table'>): string {
  const body = table.rows.map((row, r) => [formatValue(table.index[r] ?? r), formatValue(row[0])]);
  const lines = alignColumns(body, [false, true]);
  if (table.rows.length < table.shape[0]) lines.push('...');
  const column = table.columns[0];
  const name = column?.name ?? '';
  lines.push(`Name: ${name}, Length: ${table.shape[0]}, dtype: ${column?.dtype ?? 'unknown'}`);
  return lines.join('\n');
}

function tensorToText(tensor: Bundle<'tensor'>): string {
  return `Tensor shape=[${tensor.shape.join(', ')}] dtype=${tensor.dtype} size=${tensor.size}\n${tensor.preview}`;
}

function plotlyToText(figure: Bundle<'plotly'>): string {
  const traceTypes = figure.data.map((trace) => {
    const type = isRecord(trace) ? trace['type'] : undefined;
    // plotly.js draws a trace without a type as a scatter.
    return typeof type === 'string' ? type : 'scatter';
  });
  const title = plotlyTitle(figure.layout);
  const count = `${traceTypes.length} ${traceTypes.length === 1 ? 'trace' : 'traces'}`;
  const kinds = traceTypes.length > 0 ? ` (${[...new Set(traceTypes)].join(', ')})` : '';
  return `<Plotly figure${title === undefined ? '' : ` "${title}"`} with ${count}${kinds}>`;
}

function plotlyTitle(layout: Readonly<Record<string, unknown>>): string | undefined {
  const title = layout['title'];
  if (typeof title === 'string') return title;
  if (isRecord(title) && typeof title['text'] === 'string') return title['text'];
  return undefined;
}

function modelToText(model: Bundle<'model'>): string {
  const header = ['Layer (type)', 'Output shape', 'Params'];
  const rows = model.layers.map((layer) => [`${layer.name} (${layer.type})`, layer.outputShape, groupThousands(layer.params)]);
  const table = alignColumns([header, ...rows], [false, false, true]);
  const width = Math.max(...table.map((line) => line.length));
  const [headerLine = '', ...layerLines] = table;
  return [
    `Model: "${model.name}"`,
    '_'.repeat(width),
    headerLine,
    '='.repeat(width),
    ...layerLines,
    '='.repeat(width),
    `Total params: ${groupThousands(model.totalParams)}`,
    `Trainable params: ${groupThousands(model.trainableParams)}`,
    `Non-trainable params: ${groupThousands(model.totalParams - model.trainableParams)}`,
  ].join('\n');
}

function progressToText(progress: Bundle<'progress'>): string {
  const parts = [
    `epoch ${progress.epoch}/${progress.epochs}`,
    `batch ${progress.batch}/${progress.batchesPerEpoch}`,
    formatDuration(progress.elapsedMs),
  ];
  for (const [metric, values] of Object.entries(progress.history)) {
    const latest = values.at(-1);
    if (latest !== undefined) parts.push(`${metric}=${formatNumber(latest)}`);
  }
  return `${progress.label}: ${parts.join(', ')} [${progress.state}]`;
}

/** 850 -> "850ms", 12345 -> "12.3s", 125000 -> "2m 05s", 3723000 -> "1h 02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const seconds = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

function mimeToText(data: Readonly<Record<string, unknown>>): string {
  const plain = data['text/plain'];
  if (typeof plain === 'string') return plain;
  if (Array.isArray(plain) && plain.every((line) => typeof line === 'string')) return plain.join('');
  const types = Object.keys(data).filter((mime) => !mime.startsWith(KILN_MIME_PREFIX));
  return `<output: ${types.length > 0 ? types.join(', ') : 'empty'}>`;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
