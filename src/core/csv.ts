/**
 * A small RFC 4180 CSV parser and a column type inference step. It is strict on purpose: a data
 * scientist would rather hear "row 12, column 3: stray quote" than get a silently shifted table.
 *
 * Accepted on top of RFC 4180: LF or lone CR line breaks (not only CRLF), a leading byte order
 * mark, a missing line break at the end, and blank lines (skipped, as pandas does).
 */
import { assertNever } from '../lib/invariant';

export type CsvErrorPosition = {
  /** 1-based line of the file (lines inside quoted fields count). */
  readonly row: number;
  /** 1-based character on that line. */
  readonly column: number;
};

export type CsvError = CsvErrorPosition & { readonly message: string };

export type CsvParseResult =
  | { readonly ok: true; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly ok: false; readonly error: CsvError };

const BYTE_ORDER_MARK = '\uFEFF';
const QUOTE = '"';
const SEPARATOR = ',';

/** Thrown inside the parser only, so the scanning loop stays free of error plumbing. */
class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: CsvErrorPosition,
  ) {
    super(message);
  }
}

/** Walks the text forwards, keeping the 1-based line and column of the next character. */
class Cursor {
  private offset = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly text: string) {}

  get atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.offset];
  }

  position(): CsvErrorPosition {
    return { row: this.line, column: this.column };
  }

  /** Consumes one character; a CRLF pair counts as a single line break. */
  next(): string {
    const isCrlf = this.text[this.offset] === '\r' && this.text[this.offset + 1] === '\n';
    return this.take(isCrlf ? 2 : 1);
  }

  /**
   * Consumes everything up to (not including) the first character in `stops`, or to the end.
   * Fields are taken in one slice rather than character by character so large files stay fast.
   */
  takeUntil(stops: string): string {
    let end = this.offset;
    while (end < this.text.length && !stops.includes(this.text[end] ?? '')) end += 1;
    return this.take(end - this.offset);
  }

  private take(length: number): string {
    const taken = this.text.slice(this.offset, this.offset + length);
    this.offset += length;
    const lastBreak = Math.max(taken.lastIndexOf('\n'), taken.lastIndexOf('\r'));
    if (lastBreak === -1) {
      this.column += taken.length;
      return taken;
    }
    this.line += countLineBreaks(taken);
    this.column = taken.length - lastBreak;
    return taken;
  }
}

/** CRLF, LF and a lone CR each count once. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) count += 1;
  }
  return count;
}

const isLineBreak = (char: string | undefined): boolean => char === '\n' || char === '\r';

/** Reads one field starting at the cursor; leaves the cursor on the separator, line break or end. */
function readField(cursor: Cursor): string {
  if (cursor.peek() === QUOTE) return readQuotedField(cursor);
  const value = cursor.takeUntil(`${SEPARATOR}${QUOTE}\r\n`);
  if (cursor.peek() === QUOTE) {
    throw new CsvSyntaxError(
      'stray quote in an unquoted field (a field that contains quotes must be wrapped in quotes, with inner quotes doubled)',
      cursor.position(),
    );
  }
  return value;
}

function readQuotedField(cursor: Cursor): string {
  const start = cursor.position();
  cursor.next(); // the opening quote
  let value = '';
  for (;;) {
    value += cursor.takeUntil(QUOTE);
    if (cursor.atEnd) throw new CsvSyntaxError('unterminated quoted field (the closing quote is missing)', start);
    cursor.next(); // a quote: either the closing one or the first of a doubled pair
    if (cursor.peek() === QUOTE) {
      cursor.next();
      value += QUOTE;
      continue;
    }
    if (cursor.atEnd || cursor.peek() === SEPARATOR || isLineBreak(cursor.peek())) return value;
    throw new CsvSyntaxError(
      `unexpected character ${JSON.stringify(cursor.peek())} after the closing quote of a field`,
      cursor.position(),
    );
  }
}

/**
 * Reads one record. With `expectedFields`, a record with too many fields fails at the start of the
 * first extra field and one with too few fails where it ends: the position reported is always the
 * first place where the file goes wrong.
 */
function readRecord(cursor: Cursor, expectedFields: number | null): string[] {
  const recordRow = cursor.position().row;
  const fields: string[] = [];
  for (;;) {
    if (fields.length === expectedFields) throw tooManyFields(cursor, recordRow, expectedFields);
    fields.push(readField(cursor));
    if (cursor.peek() !== SEPARATOR) break;
    cursor.next();
  }
  if (expectedFields !== null && fields.length < expectedFields) {
    const position = cursor.position();
    throw new CsvSyntaxError(fieldCountMessage(expectedFields, `${fields.length}`, recordRow, position), position);
  }
  if (!cursor.atEnd) cursor.next(); // the line break
  return fields;
}

/** Called with the cursor at the first extra field; reads on only to count the fields for the message. */
function tooManyFields(cursor: Cursor, recordRow: number, expectedFields: number): CsvSyntaxError {
  const position = cursor.position();
  let found = expectedFields;
  let counted = true;
  try {
    for (;;) {
      readField(cursor);
      found += 1;
      if (cursor.peek() !== SEPARATOR) break;
      cursor.next();
    }
  } catch {
    counted = false; // the rest of the row is malformed too; this earlier problem is the one to report
  }
  const foundText = counted ? `${found}` : `more than ${expectedFields}`;
  return new CsvSyntaxError(fieldCountMessage(expectedFields, foundText, recordRow, position), position);
}

/** The error position already names the row; a record that began on an earlier line says so. */
function fieldCountMessage(expected: number, found: string, recordRow: number, position: CsvErrorPosition): string {
  const where = recordRow === position.row ? '' : ` in the record that starts on row ${recordRow}`;
  return `expected ${expected} field${expected === 1 ? '' : 's'} (as in the header), found ${found}${where}`;
}

function skipBlankLines(cursor: Cursor): void {
  while (isLineBreak(cursor.peek())) cursor.next();
}

/** Parses CSV text whose first record is the header. Stops at the first problem. */
export function parseCsv(text: string): CsvParseResult {
  const cursor = new Cursor(text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text);
  try {
    skipBlankLines(cursor);
    if (cursor.atEnd) return { ok: true, header: [], rows: [] };
    const header = readRecord(cursor, null);
    const rows: string[][] = [];
    for (skipBlankLines(cursor); !cursor.atEnd; skipBlankLines(cursor)) {
      rows.push(readRecord(cursor, header.length));
    }
    return { ok: true, header, rows };
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { ok: false, error: { message: error.message, ...error.position } };
  }
}

// ---------------------------------------------------------------------------------------------
// Column types

export type InferredColumn =
  | { readonly name: string; readonly type: 'number'; readonly values: readonly number[] }
  | { readonly name: string; readonly type: 'boolean'; readonly values: readonly (boolean | null)[] }
  | { readonly name: string; readonly type: 'string'; readonly values: readonly (string | null)[] };

export type ColumnType = InferredColumn['type'];

/**
 * Cells that mean "no value". A short version of pandas' default list, so files written by pandas
 * or R read back with their gaps where they were.
 */
const MISSING_MARKERS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL']);

/** Decimal numbers as people write them in data files; no hex, no thousands separators. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY_PATTERN = /^([+-]?)(inf|infinity)$/i;

const isMissing = (cell: string): boolean => MISSING_MARKERS.has(cell.trim());

function parseNumber(cell: string): number | null {
  const trimmed = cell.trim();
  if (NUMBER_PATTERN.test(trimmed)) return Number(trimmed);
  const infinity = INFINITY_PATTERN.exec(trimmed);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  return null;
}

function parseBoolean(cell: string): boolean | null {
  const lower = cell.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return null;
}

/**
 * The narrowest type that fits every present cell of a column: number, then boolean, then string.
 * A column with no values at all is a number column of NaN, as in pandas.
 */
function inferColumnType(cells: readonly string[]): ColumnType {
  const present = cells.filter((cell) => !isMissing(cell));
  if (present.every((cell) => parseNumber(cell) !== null)) return 'number';
  if (present.every((cell) => parseBoolean(cell) !== null)) return 'boolean';
  return 'string';
}

function toColumn(name: string, cells: readonly string[]): InferredColumn {
  const type = inferColumnType(cells);
  switch (type) {
    case 'number':
      return { name, type, values: cells.map((cell) => (isMissing(cell) ? NaN : (parseNumber(cell) ?? NaN))) };
    case 'boolean':
      return { name, type, values: cells.map((cell) => (isMissing(cell) ? null : parseBoolean(cell))) };
    case 'string':
      return { name, type, values: cells.map((cell) => (isMissing(cell) ? null : cell)) };
    default:
      return assertNever(type, 'column type');
  }
}

/**
 * Typed columns from parsed rows. Missing cells become NaN in number columns and null elsewhere.
 * Rows are assumed to have as many cells as the header (parseCsv guarantees it).
 */
export function inferColumns(header: readonly string[], rows: readonly (readonly string[])[]): InferredColumn[] {
  return header.map((name, columnIndex) =>
    toColumn(
      name,
      rows.map((row) => row[columnIndex] ?? ''),
    ),
  );
}
