/** A DataFrame or Series as a plain HTML table, for Jupyter and GitHub to show in exported notebooks. */
import type { DisplayBundle } from '../outputs';
import { formatValue } from '../notebook/formatValue';

type TableBundle = Extract<DisplayBundle, { kind: 'table' }>;

/** Every string reaches the page as text: column names and values come from user data. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Shaped like pandas' own to_html, so notebooks look familiar in Jupyter. */
export function tableToHtml(table: TableBundle): string {
  const cell = (tag: 'th' | 'td', value: unknown): string => `<${tag}>${escapeHtml(formatValue(value))}</${tag}>`;
  const header = table.isSeries
    ? `<tr><th></th>${cell('th', table.columns[0]?.name ?? '')}</tr>`
    : `<tr><th></th>${table.columns.map((column) => cell('th', column.name)).join('')}</tr>`;
  const rows = table.rows.map(
    (row, r) => `<tr>${cell('th', table.index[r] ?? r)}${table.columns.map((_, c) => cell('td', row[c])).join('')}</tr>`,
  );
  if (table.rows.length < table.shape[0]) {
    rows.push(`<tr><th>...</th>${table.columns.map(() => '<td>...</td>').join('')}</tr>`);
  }
  const shape = table.isSeries
    ? `Name: ${escapeHtml(table.columns[0]?.name ?? '')}, Length: ${table.shape[0]}, dtype: ${escapeHtml(table.columns[0]?.dtype ?? 'unknown')}`
    : `${table.shape[0]} rows × ${table.shape[1]} columns`;
  return [
    '<table class="dataframe">',
    `<thead>${header}</thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
    `<p>${shape}</p>`,
  ].join('\n');
}
