import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pythonFloat, yamlMapping } from './mlflow-text';

describe('pythonFloat: what Python 3 repr() prints', () => {
  // Expected values printed by CPython 3.11's repr().
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [1.5e-5, '1.5e-05'],
    [-2.5e-7, '-2.5e-07'],
    [123456789012345.6, '123456789012345.6'],
    [1234567890123456, '1234567890123456.0'],
    [1e16, '1e+16'],
    [12345678901234567, '1.2345678901234568e+16'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.30000000000000004, '0.30000000000000004'],
    [100, '100.0'],
    [0.001234, '0.001234'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('%d → %s', (value, text) => {
    expect(pythonFloat(value)).toBe(text);
  });
});

describe('yamlMapping: what PyYAML safe_dump prints', () => {
  // Expected values printed by PyYAML 6 (safe_dump, default_flow_style=False, allow_unicode=True).
  const strings: readonly [string, string][] = [
    ['', "''"],
    ['adam', 'adam'],
    ['1', "'1'"],
    ['01', "'01'"],
    ['0x1f', "'0x1f'"],
    ['1_000', "'1_000'"],
    ['1.5', "'1.5'"],
    ['.5', "'.5'"],
    ['1e5', '1e5'],
    ['yes', "'yes'"],
    ['No', "'No'"],
    ['null', "'null'"],
    ['~', "'~'"],
    ['2024-01-02', "'2024-01-02'"],
    ['a: b', "'a: b'"],
    ['a:b', 'a:b'],
    ['a #b', "'a #b'"],
    ['a#b', 'a#b'],
    ['#a', "'#a'"],
    ['-a', '-a'],
    ['- a', "'- a'"],
    ['?', "'?'"],
    [':a', ':a'],
    ['a:', "'a:'"],
    [' a', "' a'"],
    ['a ', "'a '"],
    ["it's", "it's"],
    ['say "hi"', 'say "hi"'],
    ['tab\tin', '"tab\\tin"'],
    ['ctrl\x01', '"ctrl\\x01"'],
    ['ünïcode 日本語 😀', 'ünïcode 日本語 😀'],
    ['[x]', "'[x]'"],
    ['&a', "'&a'"],
    ['---', "'---'"],
    ['<<', "'<<'"],
    ['mlruns/1/abc/artifacts', 'mlruns/1/abc/artifacts'],
    ['00000000000000000000000000000042', "'00000000000000000000000000000042'"],
    ['.inf', "'.inf'"],
    ['bom\uFEFF', '"bom\\uFEFF"'],
  ];
  it.each(strings)('%j → %s', (text, scalar) => {
    expect(yamlMapping({ k: text })).toBe(`k: ${scalar}\n`);
  });

  it.each(['multi\nline', 'emoji\n😀', 'x\u2029', 'nel\x85', 'cr\r'])('text with line breaks is double-quoted (PyYAML folds it instead) and reads back the same: %j', (text) => {
    const written = yamlMapping({ k: text });
    expect(written).toMatch(/^k: ".*"\n$/);
    expect(parse(written, { version: '1.1' })).toEqual({ k: text });
  });

  it('sorts keys and writes integers, null and the empty list', () => {
    expect(yamlMapping({ z: 1, tags: [], end_time: null, a: '2' })).toBe("a: '2'\nend_time: null\ntags: []\nz: 1\n");
  });

  it('reads back, under YAML 1.1 rules, as the same strings', () => {
    // The yaml package's 1.1 schema reads "1e5" as a number; PyYAML's, which MLflow uses, needs a "." for a float.
    const readAlike = strings.filter(([text]) => text !== '1e5');
    for (const [text] of readAlike) expect(parse(yamlMapping({ k: text }), { version: '1.1' })).toEqual({ k: text });
  });

  it('refuses a number that is not an integer (a bug: meta files hold ids, times and codes)', () => {
    expect(() => yamlMapping({ k: 1.5 })).toThrow(/integers/);
  });
});
