import { formatTarget } from './rows.mjs';

/** Plain-text table of result rows: metric, value, unit, target, result. */
export function formatTable(suites) {
  const header = ['suite', 'metric', 'value', 'unit', 'target', 'result'];
  const lines = [];
  for (const suite of suites) {
    if (suite.error) lines.push([suite.name, '(suite)', '', '', '', `ERROR: ${suite.error}`]);
    for (const row of suite.rows) {
      const value = row.value == null ? '—' : String(row.value);
      const result = row.pass == null ? row.note ?? 'not measured' : row.pass ? 'pass' : 'FAIL';
      lines.push([suite.name, row.metric, value, row.unit ?? '', formatTarget(row.target), result]);
    }
  }
  // The last column is left unpadded: "not measurable: ..." notes can be long.
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells) =>
    cells
      .map((cell, column) => (column === 2 ? cell.padStart(widths[column]) : column < cells.length - 1 ? cell.padEnd(widths[column]) : cell))
      .join('  ');
  return [render(header), widths.map((width, column) => '-'.repeat(column === header.length - 1 ? 6 : width)).join('  '), ...lines.map(render)].join('\n');
}
