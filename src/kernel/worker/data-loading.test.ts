import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, loadTable } from './data-loading';
import { locateJsonError, uniqueColumnNames } from '../../core/table-file';
import { sha256Hex } from '../../lib/sha256';

// Loaded through Node's require: see display.test.ts for why `import 'danfojs'` fails under Vite.
const dfd = createRequire(import.meta.url)('danfojs') as typeof import('danfojs');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bufferOf = (bytes: readonly number[]): ArrayBuffer => new Uint8Array(bytes).buffer;

describe('loadTable: CSV', () => {
  it('types columns and keeps gaps as NaN', () => {
    const frame = loadTable(dfd, 'name,age,member\nAda,36,true\nAlan,,false\n', 'people.csv');
    expect(frame.columns).toEqual(['name', 'age', 'member']);
    expect(frame.dtypes).toEqual(['string', 'float32', 'boolean']);
    expect(frame.values).toEqual([
      ['Ada', 36, true],
      ['Alan', NaN, false],
    ]);
    expect(frame.shape).toEqual([2, 3]);
  });

  it('gives whole-number columns the int32 dtype', () => {
    expect(loadTable(dfd, 'n\n1\n-2\n', 'n.csv').dtypes).toEqual(['int32']);
  });

  it('names the file, row and column of a malformed line', () => {
    const lines = ['a,b', ...Array.from({ length: 10 }, (_, i) => `${i},${i}`), '1,"x', '2,y'];
    expect(lines[11]).toBe('1,"x'); // the 12th line of the file
    expect(() => loadTable(dfd, lines.join('\n'), 'sales.csv')).toThrow(
      'sales.csv: row 12, column 3: unterminated quoted field (the closing quote is missing)',
    );
    expect(() => loadTable(dfd, 'a,b,c\n1,2,3\n4,5\n', 'sales.csv')).toThrow(
      'sales.csv: row 3, column 4: expected 3 fields (as in the header), found 2',
    );
  });

  it('decodes UTF-8 bytes (dropping a byte order mark) and falls back to Windows-1252', () => {
    const utf8 = new TextEncoder().encode('\uFEFFcity\nZürich\n');
    expect(loadTable(dfd, utf8.buffer, 'c.csv').values).toEqual([['Zürich']]);
    const windows1252 = bufferOf([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]); // "name\ncafé\n"
    expect(loadTable(dfd, windows1252, 'w.csv').values).toEqual([['café']]);
  });

  it('makes blank and repeated header names unique, as pandas does', () => {
    expect(uniqueColumnNames(['a', 'a', '', 'a'])).toEqual(['a', 'a.1', 'Unnamed: 2', 'a.2']);
    expect(loadTable(dfd, 'a,a,\n1,2,3\n', 'd.csv').columns).toEqual(['a', 'a.1', 'Unnamed: 2']);
  });

  it('loads a header without rows as an empty frame', () => {
    expect(loadTable(dfd, 'a,b\n', 'empty.csv').shape).toEqual([0, 2]);
  });

  it('rejects an empty file and unknown formats', () => {
    expect(() => loadTable(dfd, '', 'data.csv')).toThrow('data.csv: the file is empty (not even a header row)');
    expect(() => loadTable(dfd, 'x', 'book.xlsx')).toThrow('book.xlsx: cannot load ".xlsx" files as a table; use .csv or .json');
    expect(() => loadTable(dfd, 'x', 'README')).toThrow('README: cannot load a file without an extension as a table');
  });
});

describe('loadTable: JSON', () => {
  it('reads records whose keys differ in order or are missing', () => {
    const frame = loadTable(dfd, '[{"a":1,"b":"x"},{"b":"y","a":2},{"a":3}]', 'r.json');
    expect(frame.columns).toEqual(['a', 'b']);
    expect(frame.dtypes).toEqual(['int32', 'string']);
    expect(frame.values).toEqual([
      [1, 'x'],
      [2, 'y'],
      [3, null],
    ]);
  });

  it('reads {columns, data, index}', () => {
    const frame = loadTable(dfd, '{"columns":["x","ok"],"data":[[1.5,true],[null,false]],"index":["r1","r2"]}', 's.json');
    expect(frame.index).toEqual(['r1', 'r2']);
    expect(frame.dtypes).toEqual(['float32', 'boolean']);
    expect(frame.values).toEqual([
      [1.5, true],
      [NaN, false],
    ]);
  });

  it('reads an empty array as an empty frame', () => {
    expect(loadTable(dfd, '[]', 'none.json').shape).toEqual([0, 0]);
  });

  it('keeps nested values as JSON text', () => {
    expect(loadTable(dfd, '[{"tags":["a","b"]},{"tags":{"k":1}}]', 'n.json').values).toEqual([['["a","b"]'], ['{"k":1}']]);
  });

  const malformed: readonly { name: string; text: string; message: string }[] = [
    { name: 'a missing value', text: '[\n  {"a": 1},\n  {"a": }\n]', message: 'bad.json: line 3, column 9: expected a value, found character "}"' },
    { name: 'a truncated file', text: '{"a": [1, 2', message: 'bad.json: line 1, column 12: expected "," or "]" after an array item, found end of file' },
    { name: 'a trailing comma', text: '[1, 2,]', message: 'bad.json: line 1, column 7: expected a value, found character "]"' },
    { name: 'an unterminated string', text: '{"a": "abc', message: 'bad.json: line 1, column 7: unterminated string (the closing quote is missing)' },
    { name: 'single quotes', text: "{'a': 1}", message: 'bad.json: line 1, column 2: expected a property name in double quotes, found character "\'"' },
    { name: 'text after the value', text: '[1] x', message: 'bad.json: line 1, column 5: unexpected character "x" after the end of the JSON value' },
  ];

  it.each(malformed)('reports where JSON breaks: $name', ({ text, message }) => {
    expect(() => loadTable(dfd, text, 'bad.json')).toThrow(message);
  });

  it('rejects JSON that is not a table', () => {
    expect(() => loadTable(dfd, '{"a": 1}', 'o.json')).toThrow(/o\.json: expected an array of records .* found an object/);
    expect(() => loadTable(dfd, '[{"a":1}, 2]', 'o.json')).toThrow('o.json: item 2 of the array is a number, not a record like {"a": 1}');
    expect(() => loadTable(dfd, '{"columns":["a","b"],"data":[[1,2],[3]]}', 's.json')).toThrow(
      's.json: "data" row 2 has 1 value, but there are 2 columns',
    );
  });

  it('finds no error in valid JSON', () => {
    for (const text of ['{"a":[1,-2.5e3,true,null,"\\u00e9\\n"]}', ' [] ', '"x"', '0']) {
      expect(JSON.parse(text)).toBeDefined();
      expect(locateJsonError(text)).toBeNull();
    }
  });
});

describe('fingerprints', () => {
  it('hashes with SHA-256 (FIPS 180-2 test vectors)', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(bufferOf([0x61, 0x62, 0x63]))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('records the hash and the loaded shape', async () => {
    const text = 'a,b,c\n1,2,3\n4,5,6\n';
    const frame = loadTable(dfd, text, 't.csv');
    expect(await fingerprint(text, frame)).toEqual({ sha256: await sha256Hex(text), rows: 2, columns: 3 });
  });
});
