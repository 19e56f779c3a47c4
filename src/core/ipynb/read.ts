/**
 * Checked reads from untrusted JSON. Each reader either returns a value of the promised type or
 * throws an IpynbReadError naming the path and what was wrong, which importIpynb turns into its
 * error result; so no half-read notebook can escape.
 */
import { indexPath, keyPath } from './path';
import type { JsonObject } from './nbformat';

export type ImportErrorCode =
  | 'not-json'
  | 'not-object'
  | 'not-nbformat-4'
  | 'bad-notebook'
  | 'bad-metadata'
  | 'bad-cell'
  | 'bad-output';

export type ImportError = {
  readonly code: ImportErrorCode;
  /** Says what is wrong and where, e.g. `cells[3].source: expected a string or an array of strings, got a number (3)`. */
  readonly message: string;
  /** JSON path of the offending value; '' for the whole file. */
  readonly path: string;
};

export class IpynbReadError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    readonly path: string,
    problem: string,
  ) {
    super(`${path === '' ? 'notebook' : path}: ${problem}`);
  }

  toImportError(): ImportError {
    return { code: this.code, message: this.message, path: this.path };
  }
}

export function fail(code: ImportErrorCode, path: string, problem: string): never {
  throw new IpynbReadError(code, path, problem);
}

/** "a string", "an array", "a number (3)": enough to tell the user what the file held instead. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length <= 20 ? `a string (${JSON.stringify(value)})` : 'a string';
    case 'number':
    case 'boolean':
      return `a ${typeof value} (${String(value)})`;
    case 'object':
      return 'an object';
    default:
      return 'nothing';
  }
}

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A checked view of one JSON object: every read names its own path on failure. */
export class ObjectReader {
  constructor(
    readonly value: JsonObject,
    readonly path: string,
    readonly code: ImportErrorCode,
  ) {}

  static of(value: unknown, path: string, code: ImportErrorCode): ObjectReader {
    if (!isRecord(value)) fail(code, path, `expected an object, got ${describe(value)}`);
    return new ObjectReader(value, path, code);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.value, key) && this.value[key] !== undefined;
  }

  raw(key: string): unknown {
    return Object.hasOwn(this.value, key) ? this.value[key] : undefined;
  }

  pathOf(key: string): string {
    return keyPath(this.path, key);
  }

  fail(key: string, problem: string): never {
    return fail(this.code, this.pathOf(key), problem);
  }

  private expected(key: string, what: string): never {
    const value = this.raw(key);
    return this.fail(key, value === undefined ? `missing; expected ${what}` : `expected ${what}, got ${describe(value)}`);
  }

  string(key: string): string {
    const value = this.raw(key);
    return typeof value === 'string' ? value : this.expected(key, 'a string');
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string): number {
    const value = this.raw(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : this.expected(key, 'a number');
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  integer(key: string, minimum = 0): number {
    const value = this.raw(key);
    return typeof value === 'number' && Number.isInteger(value) && value >= minimum
      ? value
      : this.expected(key, `an integer of at least ${minimum}`);
  }

  optionalInteger(key: string, minimum = 0): number | undefined {
    return this.has(key) ? this.integer(key, minimum) : undefined;
  }

  boolean(key: string): boolean {
    const value = this.raw(key);
    return typeof value === 'boolean' ? value : this.expected(key, 'true or false');
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  oneOf<const T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.raw(key);
    const found = allowed.find((option) => option === value);
    return found ?? this.expected(key, allowed.map((option) => JSON.stringify(option)).join(' or '));
  }

  /** A nbformat multi-line string: one string, or lines to join. */
  multiline(key: string): string {
    const value = this.raw(key);
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.join('');
    return this.expected(key, 'a string or an array of strings');
  }

  stringArray(key: string): string[] {
    const items = this.array(key);
    items.forEach((item, i) => {
      if (typeof item !== 'string') fail(this.code, indexPath(this.pathOf(key), i), `expected a string, got ${describe(item)}`);
    });
    return items as string[];
  }

  array(key: string): unknown[] {
    const value = this.raw(key);
    return Array.isArray(value) ? value : this.expected(key, 'an array');
  }

  object(key: string): ObjectReader {
    return ObjectReader.of(this.raw(key), this.pathOf(key), this.code);
  }

  optionalObject(key: string): ObjectReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** Integer or null; a missing count reads as null (never run). */
  executionCount(key: string): number | null {
    const value = this.raw(key);
    if (value === undefined || value === null) return null;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? value
      : this.expected(key, 'an integer of at least 0 or null');
  }

  withCode(code: ImportErrorCode): ObjectReader {
    return code === this.code ? this : new ObjectReader(this.value, this.path, code);
  }

  /** The object without `keys`, as a fresh object (undefined when nothing is left). */
  without(...keys: string[]): JsonObject | undefined {
    const entries = Object.entries(this.value).filter(([key]) => !keys.includes(key));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
}
