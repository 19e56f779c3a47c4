/**
 * The exported server ships this folder as plain JavaScript: types stripped by sucrase, `.js`
 * added to relative imports. These tests pack it that way and run it in a bare Node process,
 * so a stray import from outside the folder or syntax that type-stripping mishandles fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'sucrase';
import { afterAll, describe, expect, it } from 'vitest';
import * as preprocess from './index';

const folder = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
const sourceOf = (name: string) => readFileSync(join(folder, name), 'utf8');
/** The specifier of an import or export statement, in TypeScript source and in sucrase's output alike. */
const STATEMENT_SPECIFIER = /(^|[\n;])(\s*(?:import|export)\b[^'"]*?\bfrom\s*)(['"])([^'"]+)\3/g;

describe('the preprocess folder is self-contained and strippable', () => {
  it('imports only sibling modules, by relative path without extension', () => {
    const outside = sources.flatMap((name) =>
      [...sourceOf(name).matchAll(STATEMENT_SPECIFIER)]
        .map((match) => match[4] as string)
        .filter((specifier) => !/^\.\/[\w-]+$/.test(specifier))
        .map((specifier) => `${name}: ${specifier}`),
    );
    const loaders = sources.filter((name) => /\bimport\s*\(|\brequire\s*\(|^\s*import\s*['"]/m.test(sourceOf(name)));
    expect(loaders).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('uses none of the TypeScript-only runtime syntax that type-stripping cannot take', () => {
    const forbidden = [/\benum\s+\w+\s*\{/, /\bnamespace\s+\w+/, /\bconstructor\s*\([^)]*\b(public|private|protected|readonly)\s/, /^\s*@\w+/m];
    const found = sources.flatMap((name) => forbidden.filter((pattern) => pattern.test(sourceOf(name))).map((pattern) => `${name}: ${pattern}`));
    expect(found).toEqual([]);
  });
});

describe('packed as the artifact packs it, in a bare Node process', () => {
  const packed = mkdtempSync(join(tmpdir(), 'kiln-preprocess-'));
  afterAll(() => rmSync(packed, { recursive: true, force: true }));
  writeFileSync(join(packed, 'package.json'), '{ "type": "module" }');
  for (const name of sources) {
    const stripped = transform(sourceOf(name), { transforms: ['typescript'], filePath: name }).code;
    const withExtensions = stripped.replace(STATEMENT_SPECIFIER, (whole: string, start: string, statement: string, quote: string, specifier: string) =>
      specifier.startsWith('./') ? `${start}${statement}${quote}${specifier}.js${quote}` : whole,
    );
    writeFileSync(join(packed, name.replace(/\.ts$/, '.js')), withExtensions);
  }

  const rows = [
    { mass: 3000, island: 'Biscoe', sex: 'F' },
    { mass: '4500', island: 'Dream', sex: null },
    { mass: 5000, island: 'Dream', sex: 'M' },
  ];
  const options = { standardize: ['mass'], oneHot: ['island', 'sex'], fillNull: { sex: 'mode' } };
  const serving = [{ mass: 6000, island: 'Atlantis', sex: null }];

  /** The same journey as the notebook and the server take, as JSON so both runs compare exactly. */
  const journey = (api: typeof preprocess) => {
    const fitted = api.parsePipeline(JSON.stringify(api.fitPipeline(rows, options)));
    const monitor = new api.DriftMonitor(api.computeReferenceStats(fitted, rows), { windowSize: 10, minRows: 1 });
    monitor.observe(serving);
    let error: { name: string; code: string; row?: number; field?: string; isPreprocessError: boolean } | null = null;
    try {
      api.transformRows(fitted, [{ mass: 'heavy', island: 'Dream' }]);
    } catch (caught) {
      const { name, code, row, field } = caught as InstanceType<typeof api.PreprocessError>;
      error = { name, code, row, field, isPreprocessError: caught instanceof api.PreprocessError };
    }
    return {
      fitted,
      values: Array.from(api.transformRows(fitted, serving).values),
      problems: api.validateRows(fitted, serving),
      drift: monitor.report(),
      error,
    };
  };

  it('runs the whole journey and gives the same results as the TypeScript source', () => {
    const script = `
      import * as api from './index.js';
      const journey = ${journey.toString()};
      const rows = ${JSON.stringify(rows)}, options = ${JSON.stringify(options)}, serving = ${JSON.stringify(serving)};
      process.stdout.write(JSON.stringify(journey(api)));
    `;
    writeFileSync(join(packed, 'journey.mjs'), script);
    const output = execFileSync(process.execPath, ['journey.mjs'], { cwd: packed, encoding: 'utf8' });
    const expected = JSON.parse(JSON.stringify(journey(preprocess))) as unknown;
    expect(JSON.parse(output)).toEqual(expected);
    expect(expected).toMatchObject({ error: { name: 'PreprocessError', code: 'wrong-type', row: 0, field: 'mass', isPreprocessError: true } });
  });
});
