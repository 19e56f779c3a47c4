/** One-line renderings of table cells and numbers, shared by the plain-text and HTML views. */

/** Long strings in a table cell would push every other column off screen. */
export const MAX_CELL_CHARS = 50;

/** Numbers the way a data scientist expects to read them: integers exact, fractions to 6 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** 1234567 -> "1,234,567", independent of the browser's locale so output is reproducible. */
export function groupThousands(value: number): string {
  if (!Number.isInteger(value)) return formatNumber(value);
  const digits = String(Math.abs(value));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${grouped}` : grouped;
}

export function formatValue(value: unknown, maxChars: number = MAX_CELL_CHARS): string {
  return truncate(formatUntruncated(value), maxChars);
}

function formatUntruncated(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return formatNumber(value);
    case 'string':
      // Keep each table row on one line.
      return value.replaceAll('\n', '\\n').replaceAll('\t', '\\t');
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
    case 'function':
      return String(value);
    case 'object':
      return value === null ? 'null' : stringifyObject(value);
  }
}

function stringifyObject(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular structures and BigInts inside objects: fall back to the generic tag.
    return Object.prototype.toString.call(value);
  }
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}
