import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactPathOf, packSources, PackError } from './pack-sources';
import { loadServerSources } from './server-sources';

describe('packSources', () => {
  const sources = {
    'export/server/app.ts': [
      "import { helper, type Options } from './helper';",
      "import type { RawRow } from '../../preprocess';",
      "import { transform } from '../../preprocess';",
      "import { createServer } from 'node:http';",
      "export * from './helper';",
      "export { fit } from '../../preprocess/fit';",
      'export const run = (options: Options, rows: RawRow[]): number => helper(options) + transform(rows) + Number(createServer !== undefined);',
      "export const later = () => import('./helper');",
    ].join('\n'),
    'export/server/helper.ts': 'export type Options = { n: number };\nexport function helper(options: Options): number {\n  return options.n;\n}\n',
    'preprocess/index.ts': "export { transform } from './transform';",
    'preprocess/transform.ts': 'export const transform = (rows: unknown[]): number => rows.length;',
    'preprocess/fit.ts': 'export const fit = (): null => null;',
    'export/artifact-test/app.spec.ts': "import { run } from '../server/app';\nrun({ n: 1 }, []);",
  };

  it('places each folder where the artifact keeps it', () => {
    expect([...packSources(sources).keys()].sort()).toEqual(['server/app.js', 'server/helper.js', 'server/preprocess/fit.js', 'server/preprocess/index.js', 'server/preprocess/transform.js', 'test/app.spec.js']);
  });

  it('strips types and rewrites relative imports to the packed files with .js', () => {
    const app = packSources(sources).get('server/app.js') as string;
    expect(app).toContain('import { helper, } from "./helper.js";');
    expect(app).toContain('import { transform } from "./preprocess/index.js";');
    expect(app).toContain("import { createServer } from 'node:http';");
    expect(app).toContain('export * from "./helper.js";');
    expect(app).toContain('export { fit } from "./preprocess/fit.js";');
    expect(app).toContain('import("./helper.js")');
    expect(app).toContain('export const run = (options, rows) =>');
    expect(app).not.toContain('RawRow');
    expect(packSources(sources).get('test/app.spec.js')).toContain('from "../server/app.js"');
  });

  it.each([
    ['an import of a file it was not given', { 'export/server/a.ts': "import { b } from './missing';\nb();" }, 'export/server/a.ts: imports "./missing", which is not among the packed sources'],
    ['a package the artifact does not install', { 'export/server/a.ts': "import React from 'react';\nReact.toString();" }, 'export/server/a.ts: imports "react", but the artifact installs only @tensorflow/tfjs, @tensorflow/tfjs-backend-wasm'],
    ['a file outside the packed folders', { 'features/export/x.ts': 'export {};' }, 'features/export/x.ts: is not a .ts file under export/server/'],
    ['an import above the source tree', { 'export/server/a.ts': "import '../../../../x';" }, 'export/server/a.ts: imports "../../../../x" leaves the source tree'],
  ])('refuses %s', (_case, files, message) => {
    expect(() => packSources(files)).toThrow(PackError);
    expect(() => packSources(files)).toThrow(message);
  });

  it('maps source paths to artifact paths', () => {
    expect(artifactPathOf('export/server/index.ts')).toBe('server/index.js');
    expect(artifactPathOf('preprocess/drift.ts')).toBe('server/preprocess/drift.js');
  });

  it('packs the real server into ES modules that Node runs', async () => {
    const packed = packSources(await loadServerSources());
    expect(packed.has('server/index.js')).toBe(true);
    expect(packed.has('server/preprocess/index.js')).toBe(true);
    expect([...packed.keys()].filter((path) => path.endsWith('.test.js'))).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'kiln-packed-'));
    try {
      await writeFile(join(dir, 'package.json'), '{"type": "module"}');
      for (const [path, code] of packed) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), code);
      }
      const script = [
        "import { parseMlflowRows } from './server/mlflow-request.js';",
        "import { FieldGuard } from './server/field-guard.js';",
        "const guard = new FieldGuard({ inputs: [{ name: 'x', dtype: 'number', nullable: false }], dropped: [] });",
        "console.log(JSON.stringify(parseMlflowRows({ dataframe_split: { columns: ['x'], data: [[1], [2]] } }, guard)));",
      ].join('\n');
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
