import { describe, expect, it } from 'vitest';
import { inferColumns, parseCsv } from './csv';

describe('parseCsv: well-formed input', () => {
  const cases: readonly { name: string; text: string; header: string[]; rows: string[][] }[] = [
    { name: 'LF line breaks', text: 'a,b\n1,2\n3,4\n', header: ['a', 'b'], rows: [['1', '2'], ['3', '4']] },
    { name: 'CRLF line breaks', text: 'a,b\r\n1,2\r\n', header: ['a', 'b'], rows: [['1', '2']] },
    { name: 'lone CR line breaks', text: 'a,b\r1,2\r', header: ['a', 'b'], rows: [['1', '2']] },
    { name: 'no line break at the end', text: 'a,b\n1,2', header: ['a', 'b'], rows: [['1', '2']] },
    { name: 'quoted separator', text: 'a,b\n"x,y",2\n', header: ['a', 'b'], rows: [['x,y', '2']] },
    { name: 'doubled quotes', text: 'a\n"say ""hi"""\n', header: ['a'], rows: [['say "hi"']] },
    { name: 'LF inside quotes', text: 'a,b\n"line1\nline2",2\n', header: ['a', 'b'], rows: [['line1\nline2', '2']] },
    { name: 'CRLF inside quotes is kept', text: 'a,b\r\n"x\r\ny",2\r\n', header: ['a', 'b'], rows: [['x\r\ny', '2']] },
    { name: 'byte order mark', text: '\uFEFFa,b\n1,2', header: ['a', 'b'], rows: [['1', '2']] },
    { name: 'empty fields', text: 'a,b,c\n,,\n', header: ['a', 'b', 'c'], rows: [['', '', '']] },
    { name: 'quoted empty field', text: 'a,b\n"",x\n', header: ['a', 'b'], rows: [['', 'x']] },
    { name: 'blank lines are skipped', text: 'a\n\n1\n\r\n2\n\n', header: ['a'], rows: [['1'], ['2']] },
    { name: 'spaces are data', text: 'a, b\n 1 ,2', header: ['a', ' b'], rows: [[' 1 ', '2']] },
    { name: 'quoted header', text: '"a ""x""",b\n1,2\n', header: ['a "x"', 'b'], rows: [['1', '2']] },
    { name: 'header only', text: 'a,b\n', header: ['a', 'b'], rows: [] },
    { name: 'empty input', text: '', header: [], rows: [] },
  ];

  it.each(cases)('$name', ({ text, header, rows }) => {
    expect(parseCsv(text)).toEqual({ ok: true, header, rows });
  });
});

describe('parseCsv: malformed input reports the first problem', () => {
  const cases: readonly { name: string; text: string; row: number; column: number; message: RegExp }[] = [
    { name: 'unterminated quote (at its opening quote)', text: 'a,b\n1,"oops\n', row: 2, column: 3, message: /unterminated quoted field/ },
    { name: 'unterminated quote over later lines', text: 'a,b\n1,2\n3,"x\ny,z\n', row: 3, column: 3, message: /unterminated/ },
    { name: 'stray quote inside an unquoted field', text: 'a,b\n1,x"y\n', row: 2, column: 4, message: /stray quote/ },
    { name: 'space before an opening quote', text: 'a,b\n1, "q"\n', row: 2, column: 4, message: /stray quote/ },
    { name: 'stray quote in the header', text: 'a"b,c\n', row: 1, column: 2, message: /stray quote/ },
    { name: 'text after a closing quote', text: 'a,b\n"x"y,2\n', row: 2, column: 4, message: /unexpected character "y" after the closing quote/ },
    {
      name: 'too many fields (at the first extra one)',
      text: 'a,b\n1,2\n3,4,5\n',
      row: 3,
      column: 5,
      message: /^expected 2 fields \(as in the header\), found 3$/,
    },
    { name: 'a trailing separator is an extra field', text: 'a,b\n1,2,\n', row: 2, column: 5, message: /expected 2 fields .*found 3$/ },
    { name: 'too many fields, counted', text: 'a\n1,2,3\n', row: 2, column: 3, message: /^expected 1 field \(as in the header\), found 3$/ },
    {
      name: 'too few fields (where the row ends)',
      text: 'a,b,c\n1,2,3\n4,5\n',
      row: 3,
      column: 4,
      message: /^expected 3 fields \(as in the header\), found 2$/,
    },
    { name: 'too few fields at the end of the file', text: 'a,b,c\n1,2', row: 2, column: 4, message: /found 2$/ },
    { name: 'too few fields with CRLF', text: 'a,b\r\n1,2\r\n3\r\n', row: 3, column: 2, message: /expected 2 fields .*found 1$/ },
    {
      name: 'too few fields in a record spanning two lines',
      text: 'a,b,c\n"x\ny",2\n',
      row: 3,
      column: 5,
      message: /found 2 in the record that starts on row 2$/,
    },
    {
      name: 'an extra field comes before a later stray quote',
      text: 'a,b\n1,2,3"x\n',
      row: 2,
      column: 5,
      message: /expected 2 fields .*found more than 2$/,
    },
    { name: 'blank lines still count as lines', text: 'a,b\n\n\n1\n', row: 4, column: 2, message: /found 1$/ },
    { name: 'the byte order mark is not a column', text: '\uFEFFa,b\n1,"x', row: 2, column: 3, message: /unterminated/ },
  ];

  it.each(cases)('$name', ({ text, row, column, message }) => {
    const result = parseCsv(text);
    if (result.ok) throw new Error('expected a parse error');
    expect({ row: result.error.row, column: result.error.column }).toEqual({ row, column });
    expect(result.error.message).toMatch(message);
  });
});

describe('inferColumns', () => {
  const cases: readonly { name: string; cells: string[]; type: string; values: unknown[] }[] = [
    { name: 'numbers, with a gap', cells: ['1', '', '2.5', '-3e2', ' 42 '], type: 'number', values: [1, NaN, 2.5, -300, 42] },
    { name: 'infinities', cells: ['inf', '-Infinity'], type: 'number', values: [Infinity, -Infinity] },
    { name: 'missing markers in numbers', cells: ['NA', 'NaN', '7'], type: 'number', values: [NaN, NaN, 7] },
    { name: 'booleans in any case', cells: ['true', 'FALSE', ''], type: 'boolean', values: [true, false, null] },
    { name: 'strings', cells: ['x', 'NA', '1'], type: 'string', values: ['x', null, '1'] },
    { name: 'numbers and booleans mixed are strings', cells: ['1', 'true'], type: 'string', values: ['1', 'true'] },
    { name: 'no hex, no thousands separators', cells: ['0x10', '1,000'], type: 'string', values: ['0x10', '1,000'] },
    { name: 'an all-empty column is numeric NaN', cells: ['', ''], type: 'number', values: [NaN, NaN] },
  ];

  it.each(cases)('$name', ({ cells, type, values }) => {
    const [column] = inferColumns(
      ['c'],
      cells.map((cell) => [cell]),
    );
    expect(column).toEqual({ name: 'c', type, values });
  });

  it('keeps the header order and reads each column separately', () => {
    const parsed = parseCsv('name,age,member\nAda,36,true\nAlan,,false\n');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(inferColumns(parsed.header, parsed.rows)).toEqual([
      { name: 'name', type: 'string', values: ['Ada', 'Alan'] },
      { name: 'age', type: 'number', values: [36, NaN] },
      { name: 'member', type: 'boolean', values: [true, false] },
    ]);
  });
});
