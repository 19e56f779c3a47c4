/**
 * Reads a table file (.csv or .json) into typed columns, with errors that point at the exact
 * place in the file ("sales.csv: row 12, column 3: ..."). Pure: the kernel builds DataFrames
 * from the columns, and the app checks a dropped file with it before storing it.
 */
import { inferColumns, parseCsv, type InferredColumn } from './csv';
import { assertNever } from '../lib/invariant';

export type TableFile = { readonly columns: InferredColumn[]; readonly index?: (string | number)[] };

export function readTableFile(bytes: ArrayBuffer | string, fileName: string): TableFile {
  const format = formatOf(fileName);
  const text = decodeText(bytes, fileName);
  switch (format) {
    case 'csv':
      return { columns: csvColumns(text, fileName) };
    case 'json': {
      const [columns, index] = jsonColumns(text, fileName);
      return index === undefined ? { columns } : { columns, index };
    }
    default:
      return assertNever(format, 'table format');
  }
}

/** The shape of a table file: rows and columns. */
export function tableShape(table: TableFile): { rows: number; columns: number } {
  return { rows: table.columns[0]?.values.length ?? 0, columns: table.columns.length };
}

export const TABLE_FILE_EXTENSIONS = ['.csv', '.json'] as const;

type TableFormat = 'csv' | 'json';

function formatOf(fileName: string): TableFormat {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'json') return extension;
  const found = extension === undefined ? 'a file without an extension' : `".${extension}" files`;
  throw new Error(`${fileName}: cannot load ${found} as a table; use .csv or .json`);
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * UTF-8 first; files that are not valid UTF-8 are almost always Windows-1252 exports from Excel,
 * which every browser can decode. TextDecoder drops a UTF-8 byte order mark itself.
 */
function decodeText(bytes: ArrayBuffer | string, fileName: string): string {
  if (typeof bytes === 'string') return bytes.startsWith(BYTE_ORDER_MARK) ? bytes.slice(1) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('windows-1252').decode(bytes);
    } catch {
      throw new Error(`${fileName}: the file is not UTF-8 text`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

function csvColumns(text: string, fileName: string): InferredColumn[] {
  const parsed = parseCsv(text);
  if (!parsed.ok) {
    const { row, column, message } = parsed.error;
    throw new Error(`${fileName}: row ${row}, column ${column}: ${message}`);
  }
  if (parsed.header.length === 0) throw new Error(`${fileName}: the file is empty (not even a header row)`);
  return inferColumns(uniqueColumnNames(parsed.header), parsed.rows);
}

/** As pandas: blank names become "Unnamed: 3" and repeats get ".1", ".2", so every column stays reachable. */
export function uniqueColumnNames(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((raw, position) => {
    const base = raw.trim() === '' ? `Unnamed: ${position}` : raw;
    let name = base;
    for (let copy = 1; used.has(name); copy += 1) name = `${base}.${copy}`;
    used.add(name);
    return name;
  });
}

// ---------------------------------------------------------------------------------------------
// JSON

type JsonTable = [columns: InferredColumn[], index?: (string | number)[]];

function jsonColumns(text: string, fileName: string): JsonTable {
  const document = parseJson(text, fileName);
  if (Array.isArray(document)) return [recordsToColumns(document, fileName)];
  if (isRecord(document) && Array.isArray(document['columns']) && Array.isArray(document['data'])) {
    return splitToColumns(document['columns'], document['data'], document['index'], fileName);
  }
  throw new Error(
    `${fileName}: expected an array of records ([{"a": 1}, ...]) or {"columns": [...], "data": [[...], ...]}, found ${describeJson(document)}`,
  );
}

function recordsToColumns(records: readonly unknown[], fileName: string): InferredColumn[] {
  // Records may list keys in different orders or leave some out: columns are every key, in order of first appearance.
  const names = new Set<string>();
  records.forEach((record, i) => {
    if (!isRecord(record) || Array.isArray(record)) {
      throw new Error(`${fileName}: item ${i + 1} of the array is ${describeJson(record)}, not a record like {"a": 1}`);
    }
    for (const key of Object.keys(record)) names.add(key);
  });
  return [...names].map((name) => jsonColumn(name, records.map((record) => (record as Record<string, unknown>)[name])));
}

function splitToColumns(columns: readonly unknown[], data: readonly unknown[], index: unknown, fileName: string): JsonTable {
  const names = uniqueColumnNames(columns.map(String));
  data.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      const found = Array.isArray(row) ? `${row.length} value${row.length === 1 ? '' : 's'}` : describeJson(row);
      throw new Error(`${fileName}: "data" row ${i + 1} has ${found}, but there are ${names.length} columns`);
    }
  });
  const rows = data as readonly (readonly unknown[])[];
  const typed = names.map((name, c) => jsonColumn(name, rows.map((row) => row[c])));
  if (index === undefined) return [typed];
  const labels = Array.isArray(index) ? index.filter((label): label is string | number => ['string', 'number'].includes(typeof label)) : [];
  if (!Array.isArray(index) || labels.length !== index.length || labels.length !== rows.length) {
    throw new Error(`${fileName}: "index" must list one string or number label per row (${rows.length})`);
  }
  return [typed, labels];
}

/**
 * The type of a JSON column: numbers (null → NaN), booleans or strings (null stays null). Mixed
 * columns are strings; nested objects and arrays are kept as their JSON text.
 */
function jsonColumn(name: string, values: readonly unknown[]): InferredColumn {
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.every((value) => typeof value === 'number')) {
    return { name, type: 'number', values: values.map((value) => (typeof value === 'number' ? value : NaN)) };
  }
  if (present.every((value) => typeof value === 'boolean')) {
    return { name, type: 'boolean', values: values.map((value) => (typeof value === 'boolean' ? value : null)) };
  }
  return {
    name,
    type: 'string',
    values: values.map((value) => {
      if (value === null || value === undefined) return null;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }),
  };
}

function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Engines word JSON errors differently and often leave out where they are: find the place ourselves.
    const problem = locateJsonError(text);
    if (problem === null) throw new Error(`${fileName}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    const { line, column } = lineAndColumn(text, problem.offset);
    throw new Error(`${fileName}: line ${line}, column ${column}: ${problem.message}`);
  }
}

class JsonProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * A JSON syntax checker (RFC 8259) that reports the offset of the first error, or null when the
 * text is valid (or nested too deeply to check).
 */
export function locateJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  // Typed on the name, not the arrow, so that TypeScript narrows after calls to it.
  const fail: (message: string, at?: number) => never = (message, at = i) => {
    throw new JsonProblem(message, at);
  };
  const describeHere = (): string => (i >= text.length ? 'end of file' : `character ${JSON.stringify(text[i])}`);
  const skipWhitespace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i += 1;
  };
  const expect = (char: string, what: string): void => {
    skipWhitespace();
    if (text[i] !== char) fail(`expected ${what}, found ${describeHere()}`);
    i += 1;
  };

  const readString = (): void => {
    const start = i;
    i += 1;
    for (;;) {
      const char = text[i];
      if (char === undefined) fail('unterminated string (the closing quote is missing)', start);
      if (char === '"') {
        i += 1;
        return;
      }
      if (char === '\\') {
        const escaped = text[i + 1] ?? '';
        if ('"\\/bfnrt'.includes(escaped) && escaped !== '') i += 2;
        else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail(`invalid escape sequence \\${escaped}`);
        continue;
      }
      if ((char.codePointAt(0) ?? 0) < 0x20) fail('unescaped control character (such as a line break) inside a string');
      i += 1;
    }
  };

  const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const readNumber = (): void => {
    NUMBER.lastIndex = i;
    if (!NUMBER.exec(text)) fail(`invalid number starting with ${describeHere()}`);
    i = NUMBER.lastIndex;
  };

  const readSequence = (close: string, readItem: () => void, what: string): void => {
    i += 1;
    skipWhitespace();
    if (text[i] === close) {
      i += 1;
      return;
    }
    for (;;) {
      readItem();
      skipWhitespace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === close) {
        i += 1;
        return;
      }
      fail(`expected "," or "${close}" after ${what}, found ${describeHere()}`);
    }
  };

  const readValue = (): void => {
    skipWhitespace();
    const char = text[i];
    if (char === '{') {
      return readSequence(
        '}',
        () => {
          skipWhitespace();
          if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describeHere()}`);
          readString();
          expect(':', '":" after a property name');
          readValue();
        },
        'a property',
      );
    }
    if (char === '[') return readSequence(']', readValue, 'an array item');
    if (char === '"') return readString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return readNumber();
    const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
    if (literal !== undefined) {
      i += literal.length;
      return;
    }
    fail(`expected a value, found ${describeHere()}`);
  };

  try {
    readValue();
    skipWhitespace();
    if (i < text.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);
    return null;
  } catch (problem) {
    if (problem instanceof JsonProblem) return { offset: problem.offset, message: problem.message };
    if (problem instanceof RangeError) return null; // too deeply nested for this checker's recursion
    throw problem;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
