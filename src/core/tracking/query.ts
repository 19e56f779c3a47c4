/**
 * The runs table's filter language, e.g. `metrics.val_acc > 0.9 and params.lr <= 0.01 and tags.baseline`.
 * A query is parsed once into an AST (with errors that point at a column), then compiled into one
 * closure per node, so filtering 10,000 runs costs a few function calls per run and no re-parsing.
 * The grammar and the comparison rules are documented in ./README.md.
 */
import { assertNever } from '../../lib/invariant';
import { RUN_STATUSES } from './record-values';
import { compareText } from './text-order';
import type { Run } from './types';

export const ATTRIBUTE_NAMES = ['name', 'status', 'experiment', 'duration', 'starred', 'notes', 'id'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

export const QUERY_METRIC_AGGREGATES = ['last', 'min', 'max'] as const;
export type QueryMetricAggregate = (typeof QUERY_METRIC_AGGREGATES)[number];

export type QueryField =
  | { readonly kind: 'metric'; readonly key: string; readonly aggregate: QueryMetricAggregate }
  | { readonly kind: 'param'; readonly key: string }
  | { readonly kind: 'tag'; readonly key: string }
  | { readonly kind: 'attribute'; readonly name: AttributeName };

export type QueryOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';
export type QueryLiteral = number | string | boolean;

export type QueryNode =
  | { readonly kind: 'match-all' }
  | { readonly kind: 'and' | 'or'; readonly left: QueryNode; readonly right: QueryNode }
  | { readonly kind: 'not'; readonly operand: QueryNode }
  | { readonly kind: 'compare'; readonly field: QueryField; readonly operator: QueryOperator; readonly value: QueryLiteral }
  /** A bare field: a metric the run logged, or a param, tag or attribute that is set and truthy. */
  | { readonly kind: 'is-set'; readonly field: QueryField };

export type QueryError = {
  /** Says what was expected where, e.g. "expected a value after '>' at column 18". */
  readonly message: string;
  /** 0-based character offset of the problem in the query text, and how many characters it spans (0 at the end). */
  readonly offset: number;
  readonly length: number;
};

export type QueryParseResult = { readonly ok: true; readonly query: QueryNode } | { readonly ok: false; readonly error: QueryError };

export type RunPredicate = (run: Run) => boolean;

const FIELD_PREFIXES: Readonly<Record<string, 'metric' | 'param' | 'tag' | 'attribute'>> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
};

const KEYWORDS = new Set(['and', 'or', 'not']);
const OPERATORS: readonly QueryOperator[] = ['<=', '>=', '!=', '=', '<', '>', '~'];
const ORDERING_OPERATORS = new Set<QueryOperator>(['<', '<=', '>', '>=']);
const FIELD_EXAMPLES = 'metrics.<key>, params.<key>, tags.<key> or one of ' + ATTRIBUTE_NAMES.join(', ');

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const KEY = /[A-Za-z0-9_]+/y;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
/** Characters that may legally follow a bare key: space, an operator, a closing parenthesis. */
const AFTER_KEY = /[\s=!<>~)]/;

const BARE_KEY = new RegExp(`^(?:${KEY.source})$`);

/** `prefix.key` as a query writes it: bare where parseKey allows, otherwise between backticks. */
export function queryField(prefix: 'metrics' | 'params' | 'tags', key: string): string {
  return BARE_KEY.test(key) ? `${prefix}.${key}` : `${prefix}.\`${key}\``;
}

/** A text value as a query writes it: parseString reads this back as `text`. */
export function queryString(text: string): string {
  return `'${text.replace(/['\\]/g, '\\$&')}'`;
}

class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
  }
}

const column = (offset: number): string => `column ${offset + 1}`;
const quote = (text: string): string => `'${text}'`;

/** Recursive descent straight over the characters: the grammar is small and errors keep exact offsets. */
class Parser {
  private offset = 0;

  constructor(private readonly text: string) {}

  parse(): QueryNode {
    this.skipSpace();
    if (this.atEnd) return { kind: 'match-all' };
    const query = this.parseOr();
    this.skipSpace();
    if (!this.atEnd) {
      if (this.peek() === ')') this.fail(`unexpected ')' at ${column(this.offset)}: there is no '(' for it to close`, this.offset, 1);
      const found = this.tokenAt(this.offset);
      this.fail(`expected 'and', 'or' or the end of the query at ${column(this.offset)}, found ${quote(found)}`, this.offset, found.length);
    }
    return query;
  }

  private get atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  private peek(): string | undefined {
    return this.text[this.offset];
  }

  private fail(message: string, offset: number, length: number): never {
    throw new QuerySyntaxError(message, offset, length);
  }

  private skipSpace(): void {
    while (!this.atEnd && /\s/.test(this.text[this.offset]!)) this.offset += 1;
  }

  private match(pattern: RegExp, at = this.offset): string | null {
    pattern.lastIndex = at;
    return pattern.exec(this.text)?.[0] ?? null;
  }

  /** The run of non-space characters at `offset`, to quote back in an error. */
  private tokenAt(offset: number): string {
    return /\S+/y.exec(this.text.slice(offset))?.[0] ?? '';
  }

  /** Consumes `keyword` (any case) when it stands as a whole word at the next token. */
  private acceptKeyword(keyword: string): boolean {
    this.skipSpace();
    const word = this.match(WORD);
    if (word === null || word.toLowerCase() !== keyword) return false;
    this.offset += word.length;
    return true;
  }

  private parseOr(): QueryNode {
    let left = this.parseAnd();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): QueryNode {
    let left = this.parseUnary();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): QueryNode {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.parseUnary() };
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    this.skipSpace();
    if (this.peek() !== '(') return this.parseComparison();
    const open = this.offset;
    this.offset += 1;
    const inner = this.parseOr();
    this.skipSpace();
    if (this.peek() !== ')') {
      const where = this.atEnd ? 'the end of the query' : column(this.offset);
      this.fail(`expected ')' at ${where} to close the '(' at ${column(open)}`, this.offset, this.atEnd ? 0 : 1);
    }
    this.offset += 1;
    return inner;
  }

  private parseComparison(): QueryNode {
    const field = this.parseField();
    this.skipSpace();
    const operatorOffset = this.offset;
    const operator = OPERATORS.find((candidate) => this.text.startsWith(candidate, this.offset));
    if (operator === undefined) return { kind: 'is-set', field };
    // '==' reads as '=': people coming from Python and JavaScript type it.
    this.offset += this.text.startsWith('==', this.offset) ? 2 : operator.length;
    this.skipSpace();
    const valueOffset = this.offset;
    const value = this.parseValue(operator);
    this.checkOperands(field, operator, value, operatorOffset, valueOffset);
    return { kind: 'compare', field, operator, value };
  }

  private parseField(): QueryField {
    this.skipSpace();
    const start = this.offset;
    const word = this.match(WORD);
    if (word === null) {
      const found = this.atEnd ? 'the end of the query' : quote(this.tokenAt(start));
      this.fail(`expected a field (${FIELD_EXAMPLES}) at ${column(start)}, found ${found}`, start, this.atEnd ? 0 : this.tokenAt(start).length);
    }
    if (KEYWORDS.has(word.toLowerCase())) this.fail(`expected a field at ${column(start)}, found the keyword ${quote(word)}`, start, word.length);
    this.offset += word.length;
    const prefix = FIELD_PREFIXES[word.toLowerCase()];
    if (prefix === undefined) {
      const attribute = ATTRIBUTE_NAMES.find((name) => name === word.toLowerCase());
      if (attribute !== undefined) return { kind: 'attribute', name: attribute };
      this.fail(`unknown field ${quote(word)} at ${column(start)}: expected ${FIELD_EXAMPLES}`, start, word.length);
    }
    if (this.peek() !== '.') this.fail(`expected '.' and a key after ${quote(word)} at ${column(this.offset)}, e.g. ${word}.acc`, this.offset, 0);
    this.offset += 1;
    switch (prefix) {
      case 'attribute':
        return { kind: 'attribute', name: this.parseAttributeName(word) };
      case 'metric': {
        const key = this.parseKey(word);
        return { kind: 'metric', key, aggregate: this.parseAggregate(word, key) };
      }
      case 'param':
      case 'tag': {
        const key = this.parseKey(word);
        if (this.peek() === '.') this.failDottedKey(word, key);
        return { kind: prefix, key };
      }
      default:
        return assertNever(prefix, 'field prefix');
    }
  }

  private parseAttributeName(prefix: string): AttributeName {
    const start = this.offset;
    const word = this.match(WORD) ?? '';
    const attribute = ATTRIBUTE_NAMES.find((name) => name === word.toLowerCase());
    if (attribute === undefined) {
      this.fail(`expected an attribute after '${prefix}.' at ${column(start)}: one of ${ATTRIBUTE_NAMES.join(', ')}`, start, word.length);
    }
    this.offset += word.length;
    return attribute;
  }

  /** A bare key ([A-Za-z0-9_]+) or any text between backticks. */
  private parseKey(prefix: string): string {
    const start = this.offset;
    if (this.peek() === '`') {
      const close = this.text.indexOf('`', start + 1);
      if (close < 0) this.fail(`unterminated \`key\` starting at ${column(start)}: add the closing backtick`, start, this.text.length - start);
      const key = this.text.slice(start + 1, close);
      if (key === '') this.fail(`empty key at ${column(start)}: write the key between the backticks`, start, 2);
      this.offset = close + 1;
      return key;
    }
    const key = this.match(KEY);
    if (key === null) {
      this.fail(`expected a key after '${prefix}.' at ${column(start)} (put keys with other characters in backticks, e.g. ${prefix}.\`val/acc\`)`, start, 0);
    }
    this.offset += key.length;
    const next = this.peek();
    if (next !== undefined && next !== '.' && !AFTER_KEY.test(next)) {
      const whole = /[^\s=!<>~()]+/y.exec(this.text.slice(start))?.[0] ?? key;
      this.fail(`keys with ${quote(next)} need backticks: write ${prefix}.\`${whole}\` (${column(start)})`, start, whole.length);
    }
    return key;
  }

  private parseAggregate(prefix: string, key: string): QueryMetricAggregate {
    if (this.peek() !== '.') return 'last';
    const start = this.offset + 1;
    const word = this.match(KEY, start) ?? '';
    const aggregate = QUERY_METRIC_AGGREGATES.find((name) => name === word.toLowerCase());
    if (aggregate === undefined) this.failDottedKey(prefix, key);
    this.offset = start + word.length;
    return aggregate;
  }

  private failDottedKey(prefix: string, key: string): never {
    const start = this.offset;
    const rest = /[^\s=!<>~()]*/y.exec(this.text.slice(start))?.[0] ?? '';
    const aggregates = prefix.startsWith('metric') ? ` (after a metric key only .${QUERY_METRIC_AGGREGATES.join(', .')} may follow)` : '';
    this.fail(`keys with '.' need backticks: write ${prefix}.\`${key}${rest}\` (${column(start)})${aggregates}`, start, rest.length);
  }

  private parseValue(operator: QueryOperator): QueryLiteral {
    const start = this.offset;
    const char = this.peek();
    const expected = `expected a value (a number, a quoted string, true or false) after ${quote(operator)} at ${column(start)}`;
    if (char === undefined) this.fail(expected, start, 0);
    if (char === '"' || char === "'") return this.parseString(char);
    const special = this.match(/[-+]?(?:infinity|inf)\b|nan\b/iy);
    if (special !== null) {
      this.offset += special.length;
      if (special.toLowerCase() === 'nan') return Number.NaN;
      return special.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      const token = this.tokenAt(start).replace(/[()].*$/, '');
      if (token.length > number.length) this.fail(`${quote(token)} at ${column(start)} is not a number`, start, token.length);
      this.offset += number.length;
      return Number(number);
    }
    const word = this.match(WORD);
    if (word !== null) {
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        this.offset += word.length;
        return lower === 'true';
      }
      this.fail(`${expected}: put text in quotes, e.g. '${word}'`, start, word.length);
    }
    this.fail(`${expected}, found ${quote(this.tokenAt(start))}`, start, 1);
  }

  /** A '...' or "..." string; a backslash escapes the next character. */
  private parseString(delimiter: string): string {
    const start = this.offset;
    let value = '';
    let at = start + 1;
    while (at < this.text.length) {
      const char = this.text[at]!;
      if (char === delimiter) {
        this.offset = at + 1;
        return value;
      }
      if (char === '\\' && at + 1 < this.text.length) {
        at += 1;
        value += this.text[at]!;
      } else {
        value += char;
      }
      at += 1;
    }
    this.fail(`unterminated string starting at ${column(start)}: add the closing ${delimiter}`, start, this.text.length - start);
  }

  /** Rejects comparisons that can never be true, while the user is still looking at them. */
  private checkOperands(field: QueryField, operator: QueryOperator, value: QueryLiteral, operatorOffset: number, valueOffset: number): void {
    const valueLength = this.offset - valueOffset;
    if (ORDERING_OPERATORS.has(operator) && typeof value === 'boolean') {
      this.fail(`${quote(operator)} at ${column(operatorOffset)} compares numbers or text; true and false only go with = or !=`, valueOffset, valueLength);
    }
    if (operator === '~' && typeof value !== 'string') {
      this.fail(`'~' (contains) at ${column(operatorOffset)} needs quoted text, e.g. name ~ 'resnet'`, valueOffset, valueLength);
    }
    const isStatusEquality = field.kind === 'attribute' && field.name === 'status' && (operator === '=' || operator === '!=');
    if (isStatusEquality && !RUN_STATUSES.some((status) => status === value)) {
      this.fail(`unknown status ${JSON.stringify(value)} at ${column(valueOffset)}: expected one of ${RUN_STATUSES.join(', ')}`, valueOffset, valueLength);
    }
  }
}

export function parseQuery(text: string): QueryParseResult {
  try {
    return { ok: true, query: new Parser(text).parse() };
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    return { ok: false, error: { message: error.message, offset: error.offset, length: error.length } };
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type FieldValue = string | number | boolean | null | undefined;
type FieldReader = (run: Run) => FieldValue;

function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  // Keys are user text: "constructor" must not find Object.prototype's.
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function attributeReader(name: AttributeName): FieldReader {
  switch (name) {
    case 'name':
      return (run) => run.name;
    case 'status':
      return (run) => run.status;
    case 'experiment':
      return (run) => run.experiment;
    case 'notes':
      return (run) => run.notes;
    case 'id':
      return (run) => run.id;
    case 'starred':
      return (run) => run.starred;
    case 'duration':
      return (run) => (run.endedAt === null ? undefined : run.endedAt - run.startedAt);
    default:
      return assertNever(name, 'attribute');
  }
}

function fieldReader(field: QueryField): FieldReader {
  switch (field.kind) {
    case 'metric': {
      const { key, aggregate } = field;
      return (run) => ownValue(run.metrics, key)?.[aggregate];
    }
    case 'param':
      return (run) => ownValue(run.params, field.key);
    case 'tag':
      return (run) => ownValue(run.tags, field.key);
    case 'attribute':
      return attributeReader(field.name);
    default:
      return assertNever(field, 'field');
  }
}

const NUMERIC_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$|^\s*[-+]?(?:Infinity|NaN)\s*$/;

/** Numbers as they are, and text that spells a number (params imported from MLflow are text). */
function asNumber(value: FieldValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

function textOf(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function orderingHolds(operator: QueryOperator, difference: number): boolean {
  switch (operator) {
    case '<':
      return difference < 0;
    case '<=':
      return difference <= 0;
    case '>':
      return difference > 0;
    case '>=':
      return difference >= 0;
    default:
      throw new Error(`${operator} is not an ordering operator`);
  }
}


/**
 * The comparison rules: a number literal compares numerically (NaN = NaN holds, NaN orders with
 * nothing); quoted text compares the field's text form (= exactly, '~' ignoring case, < and > in
 * the locale's order); true/false compare
 * the text form ignoring case, so a tag "True" equals true. A missing field fails every comparison,
 * != included; a field of the wrong kind fails all but !=.
 */
function comparison(read: FieldReader, operator: QueryOperator, literal: QueryLiteral): RunPredicate {
  const isPresent = (value: FieldValue): value is string | number | boolean => value !== undefined && value !== null;
  if (typeof literal === 'number') {
    return (run) => {
      const value = read(run);
      if (!isPresent(value)) return false;
      const number = asNumber(value);
      if (number === undefined) return operator === '!=';
      if (operator === '=' || operator === '!=') {
        const isEqual = number === literal || (Number.isNaN(number) && Number.isNaN(literal));
        return isEqual === (operator === '=');
      }
      if (Number.isNaN(number) || Number.isNaN(literal)) return false;
      return orderingHolds(operator, number < literal ? -1 : number > literal ? 1 : 0);
    };
  }
  if (typeof literal === 'boolean') {
    const expected = String(literal);
    return (run) => {
      const value = read(run);
      if (!isPresent(value)) return false;
      return (textOf(value).toLowerCase() === expected) === (operator === '=');
    };
  }
  if (operator === '~') {
    const needle = literal.toLowerCase();
    return (run) => {
      const value = read(run);
      return isPresent(value) && textOf(value).toLowerCase().includes(needle);
    };
  }
  return (run) => {
    const value = read(run);
    if (!isPresent(value)) return false;
    const text = textOf(value);
    if (operator === '=') return text === literal;
    if (operator === '!=') return text !== literal;
    return orderingHolds(operator, compareText(text, literal));
  };
}

function isTruthy(value: FieldValue): boolean {
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    return lower !== '' && lower !== 'false' && lower !== '0';
  }
  return Boolean(value);
}

function isSet(field: QueryField): RunPredicate {
  if (field.kind === 'metric') {
    const { key } = field;
    return (run) => Object.hasOwn(run.metrics, key);
  }
  const read = fieldReader(field);
  return (run) => isTruthy(read(run));
}

/** Turns a parsed query into one predicate; call it once per query, then once per run. */
export function compileQuery(node: QueryNode): RunPredicate {
  switch (node.kind) {
    case 'match-all':
      return () => true;
    case 'and': {
      const left = compileQuery(node.left);
      const right = compileQuery(node.right);
      return (run) => left(run) && right(run);
    }
    case 'or': {
      const left = compileQuery(node.left);
      const right = compileQuery(node.right);
      return (run) => left(run) || right(run);
    }
    case 'not': {
      const operand = compileQuery(node.operand);
      return (run) => !operand(run);
    }
    case 'compare':
      return comparison(fieldReader(node.field), node.operator, node.value);
    case 'is-set':
      return isSet(node.field);
    default:
      return assertNever(node, 'query node');
  }
}

export type CompiledFilter = { readonly ok: true; readonly matches: RunPredicate } | { readonly ok: false; readonly error: QueryError };

/** Parse and compile in one step: what the runs view calls on every edit of the filter box. */
export function compileFilter(text: string): CompiledFilter {
  const parsed = parseQuery(text);
  return parsed.ok ? { ok: true, matches: compileQuery(parsed.query) } : parsed;
}
