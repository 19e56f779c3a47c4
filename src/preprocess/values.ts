/**
 * How one raw cell value reads as a number or a category. Fit, transform, validation, reference
 * statistics and drift all read values here, so they can never disagree about what a value means.
 */

/** null, undefined, NaN (danfo's missing number) and blank strings (an empty CSV field) are missing. */
export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return value.trim() === '';
  return false;
}

/** Plain decimal notation only: "3.5", "-2", ".5", "1e3"; not "0x10", "Infinity" or "3 kg". */
const NUMERIC_STRING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A present value as a finite number (booleans are 1 and 0), or NaN when it cannot be one. */
export function parseNumeric(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : Number.NaN;
    case 'boolean':
      return value ? 1 : 0;
    case 'string': {
      if (!NUMERIC_STRING.test(value)) return Number.NaN;
      const parsed = Number(value);
      return Number.isFinite(parsed) ? parsed : Number.NaN;
    }
    default:
      return Number.NaN;
  }
}

/** A present value as a category: strings as they are, finite numbers and booleans as `String(value)`. */
export function readCategory(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return String(value);
    default:
      return null;
  }
}

/**
 * `row[field]`, but only the row's own property: a feature named "constructor" must not read the
 * function every object inherits. Inherited members are all objects or functions, so plain values
 * skip the ownership check.
 */
export function fieldOf(row: object, field: string): unknown {
  const value: unknown = (row as Record<string, unknown>)[field];
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    return Object.hasOwn(row, field) ? value : undefined;
  }
  return value;
}

export function isRowObject(row: unknown): row is object {
  return typeof row === 'object' && row !== null && !Array.isArray(row);
}

/** What a value was, for messages: `string "heavy"`, `number 3`, `null`, `nothing (the field is absent)`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is absent)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? `string ${JSON.stringify(value)}` : `string ${JSON.stringify(value.slice(0, 40))}…`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
