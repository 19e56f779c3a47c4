/**
 * Text exactly as MLflow's Python file store writes it, so an exported mlruns/ folder looks like
 * one MLflow made: floats as Python's repr() prints them (metric files), and meta.yaml as PyYAML's
 * safe_dump(default_flow_style=False, allow_unicode=True, sort_keys=True) prints a flat mapping.
 */
import { invariant } from '../../lib/invariant';

/**
 * Python's repr() of a float: the shortest digits that round-trip (as in JavaScript), written in
 * fixed notation for exponents -5 < e < 16 with at least one decimal ("1.0", "0.0001"), otherwise
 * in scientific notation with a signed, two-digit exponent ("1e-05", "1.5e+16"); "nan", "inf", "-inf".
 */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-tripping digits: "-1.2345e-7".
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const significand = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${significand}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

export type YamlScalar = string | number | null | readonly [];

/** Plain text YAML 1.1 (PyYAML's resolver) would read back as something other than a string. */
const RESOLVES_TO_NON_STRING = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

/**
 * Text PyYAML can print plain or single-quoted: printable, no tab, no line break, no byte order
 * mark. Anything else it double-quotes with escapes (and so do we; for text with line breaks
 * PyYAML folds a single-quoted scalar instead, which reads back the same).
 */
const SIMPLE = /^[\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function needsQuotes(text: string): boolean {
  if (RESOLVES_TO_NON_STRING.some((pattern) => pattern.test(text))) return true;
  if (/^[ #,[\]{}&*!|>'"%@`]| $/.test(text)) return true;
  if (/^[-?:](?: |$)/.test(text) || /^(?:---|\.\.\.)/.test(text)) return true;
  return /:(?: |$)| #/.test(text);
}

/** PyYAML's escapes inside double quotes. */
const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\u2028': 'L',
  '\u2029': 'P',
};

function hexEscape(codePoint: number): string {
  const [prefix, width] = codePoint <= 0xff ? ['x', 2] : codePoint <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${prefix}${codePoint.toString(16).toUpperCase().padStart(width, '0')}`;
}

function doubleQuoted(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const isPrintable = (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xd7ff) || (codePoint >= 0xe000 && codePoint <= 0xfffd);
    const escape = ESCAPES[char];
    if (escape !== undefined) quoted += `\\${escape}`;
    else quoted += isPrintable && codePoint !== 0xfeff ? char : hexEscape(codePoint);
  }
  return `${quoted}"`;
}

function yamlString(text: string): string {
  if (!SIMPLE.test(text)) return doubleQuoted(text);
  return needsQuotes(text) ? `'${text.replaceAll("'", "''")}'` : text;
}

function yamlScalar(value: YamlScalar): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    invariant(Number.isSafeInteger(value), `meta.yaml numbers are integers, got ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return yamlString(value);
  return '[]';
}

/**
 * A flat mapping the way PyYAML dumps it: keys sorted, one `key: value` per line. Numbers must be
 * integers (MLflow's meta files hold only ids, times and enum codes).
 */
export function yamlMapping(entries: Readonly<Record<string, YamlScalar>>): string {
  return Object.keys(entries)
    .sort()
    .map((key) => `${key}: ${yamlScalar(entries[key] ?? null)}\n`)
    .join('');
}
