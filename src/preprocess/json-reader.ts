/**
 * Checked reads from untrusted JSON (and from options given by untyped callers). Every failed
 * read throws a PreprocessError whose message and `path` name the bad value, e.g.
 * `Bad preprocessing pipeline: steps[2].mean: expected a finite number, got string "x"`.
 */
import { PreprocessError, type PreprocessErrorCode } from './errors';
import { describeValue } from './values';

/** Which document is being read: the error code it fails with and how messages name it. */
export type DocumentKind = { code: PreprocessErrorCode; label: string };

/** Paths written the way a reader would type them: steps[3].fill.value, frequencies["a b"]. */
export function keyPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function failAt(kind: DocumentKind, path: string, problem: string): never {
  throw new PreprocessError(kind.code, `${kind.label}: ${path === '' ? 'the document' : path}: ${problem}`, { path });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts a parsed document or its JSON text. */
export function parseJsonText(json: unknown, kind: DocumentKind): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    return failAt(kind, '', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A checked view of one JSON object. */
export class ObjectReader {
  readonly value: Readonly<Record<string, unknown>>;
  readonly path: string;
  readonly kind: DocumentKind;

  constructor(value: unknown, path: string, kind: DocumentKind) {
    if (!isPlainObject(value)) failAt(kind, path, `expected an object, got ${describeValue(value)}`);
    this.value = value;
    this.path = path;
    this.kind = kind;
  }

  pathOf(key: string): string {
    return keyPath(this.path, key);
  }

  raw(key: string): unknown {
    return Object.hasOwn(this.value, key) ? this.value[key] : undefined;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  fail(key: string, problem: string): never {
    return failAt(this.kind, this.pathOf(key), problem);
  }

  expected(key: string, what: string): never {
    return this.fail(key, `expected ${what}, got ${describeValue(this.raw(key))}`);
  }

  string(key: string): string {
    const value = this.raw(key);
    return typeof value === 'string' ? value : this.expected(key, 'a string');
  }

  finiteNumber(key: string): number {
    const value = this.raw(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : this.expected(key, 'a finite number');
  }

  fraction(key: string): number {
    const value = this.raw(key);
    return typeof value === 'number' && value >= 0 && value <= 1 ? value : this.expected(key, 'a number from 0 to 1');
  }

  integer(key: string, minimum: number): number {
    const value = this.raw(key);
    return Number.isInteger(value) && (value as number) >= minimum
      ? (value as number)
      : this.expected(key, `an integer of at least ${minimum}`);
  }

  boolean(key: string): boolean {
    const value = this.raw(key);
    return typeof value === 'boolean' ? value : this.expected(key, 'true or false');
  }

  oneOf<const T extends string | number>(key: string, allowed: readonly T[]): T {
    const value = this.raw(key);
    const found = allowed.find((option) => option === value);
    return found ?? this.expected(key, allowed.map((option) => JSON.stringify(option)).join(' or '));
  }

  array(key: string): unknown[] {
    const value = this.raw(key);
    return Array.isArray(value) ? value : this.expected(key, 'an array');
  }

  object(key: string): ObjectReader {
    return new ObjectReader(this.raw(key), this.pathOf(key), this.kind);
  }

  /** An array of distinct strings. */
  uniqueStrings(key: string): string[] {
    const seen = new Set<string>();
    return this.array(key).map((item, i) => {
      const itemPath = indexPath(this.pathOf(key), i);
      if (typeof item !== 'string') failAt(this.kind, itemPath, `expected a string, got ${describeValue(item)}`);
      if (seen.has(item)) failAt(this.kind, itemPath, `${JSON.stringify(item)} appears twice`);
      seen.add(item);
      return item;
    });
  }

  /** An array of finite numbers. */
  numbers(key: string): number[] {
    return this.array(key).map((item, i) => {
      if (typeof item === 'number' && Number.isFinite(item)) return item;
      return failAt(this.kind, indexPath(this.pathOf(key), i), `expected a finite number, got ${describeValue(item)}`);
    });
  }
}

/** Shared by the versioned documents of this module: version 1 is the only one there is. */
export function readVersion(document: ObjectReader): 1 {
  const version = document.raw('version');
  if (version === 1) return 1;
  if (typeof version === 'number' && Number.isInteger(version) && version > 1) {
    return document.fail('version', `this Kiln reads version 1; version ${version} was written by a newer Kiln`);
  }
  return document.expected('version', '1');
}
