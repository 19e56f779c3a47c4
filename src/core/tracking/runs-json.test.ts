import { describe, expect, it } from 'vitest';
import { makeRun, runId, summaryOf } from './__fixtures__/make-run';
import { parseRunsExport, serializeRunsExport, type RunsDocument } from './runs-json';
import type { MetricPoint } from './types';

const parent = makeRun({
  id: 'parent',
  experiment: 'mnist',
  params: { lr: 0.01, opt: 'adam', flag: true, none: null, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, text: 'NaN', ['__proto__']: 'data' },
  tags: { baseline: 'true' },
  metrics: { loss: summaryOf(1, Number.NaN), acc: summaryOf(Number.NEGATIVE_INFINITY, 0.5) },
  notes: 'multi\nline',
  starred: true,
  hasModel: true,
  problems: ['12 points dropped: storage full'],
  kernelSession: 'k1',
  reproducibility: {
    notebookId: 'nb_1',
    notebookName: 'Penguins',
    notebookRevision: 7,
    code: [{ executionCount: 1, source: 'const x = 1;' }],
    datasets: [{ name: 'penguins.csv', sha256: 'ab'.repeat(32), rows: 344, columns: 8 }],
    tfjsVersion: '4.22.0',
    backend: 'wasm',
    userAgent: 'test',
  },
});
const child = makeRun({ id: 'child', experiment: 'mnist', parentId: parent.id, status: 'running', endedAt: null, source: 'autolog' });
const point = (run: typeof parent, key: string, step: number, value: number): MetricPoint => ({ runId: run.id, key, step, value, timestamp: 1_700_000_000_000 + step });
const document: RunsDocument = {
  experiments: [
    { name: 'mnist', createdAt: 1, objective: { metric: 'acc', direction: 'max', threshold: 0.9 } },
    { name: 'other', createdAt: 2 },
  ],
  runs: [parent, child],
  points: [point(parent, 'loss', 0, 1), point(parent, 'loss', 1, Number.NaN), point(parent, 'acc', 0, Number.NEGATIVE_INFINITY), point(child, 'acc', 0, Number.POSITIVE_INFINITY)],
};

describe('serializeRunsExport / parseRunsExport', () => {
  it('round-trips every field, NaN and ±Infinity included', () => {
    const result = parseRunsExport(serializeRunsExport(document));
    expect(result).toEqual({ ok: true, value: document });
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.value.runs[0]!.params)).toBe(Object.prototype);
    expect(Object.hasOwn(result.value.runs[0]!.params, '__proto__')).toBe(true);
  });

  it('writes the header and non-finite numbers the documented way', () => {
    const json = JSON.parse(serializeRunsExport(document)) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'kiln-runs', version: 1 });
    expect(json['metrics']).toContainEqual({ runId: parent.id, key: 'loss', step: 1, value: 'NaN', timestamp: 1_700_000_000_001 });
    expect(json['runs']).toMatchObject([{ params: { nan: { $kiln: 'NaN' }, inf: { $kiln: 'Infinity' }, text: 'NaN' }, metrics: { loss: { last: 'NaN', min: 1, max: 1 }, acc: { min: '-Infinity' } } }, {}]);
  });

  it('round-trips an empty export', () => {
    const empty: RunsDocument = { experiments: [], runs: [], points: [] };
    expect(parseRunsExport(serializeRunsExport(empty))).toEqual({ ok: true, value: empty });
  });
});

describe('parseRunsExport rejects a malformed file with the path of the first bad value', () => {
  type Json = Record<string, unknown>;
  const valid = (): Json => JSON.parse(serializeRunsExport(document)) as Json;
  const edit = (change: (json: Json & { runs: Json[]; metrics: Json[]; experiments: Json[] }) => void): string => {
    const json = valid() as Json & { runs: Json[]; metrics: Json[]; experiments: Json[] };
    change(json);
    return JSON.stringify(json);
  };

  const cases: readonly { name: string; text: string; path: string; message: RegExp }[] = [
    { name: 'not JSON', text: '{"format": ', path: '', message: /^file: not valid JSON \(/ },
    { name: 'not an object', text: '[1]', path: '', message: /^file: expected an object, got an array$/ },
    { name: 'another format', text: edit((json) => (json['format'] = 'mlflow')), path: 'format', message: /^format: expected "kiln-runs" \(a Kiln runs export\), got a string \("mlflow"\)$/ },
    { name: 'a newer version', text: edit((json) => (json['version'] = 2)), path: 'version', message: /^version: this file is version 2, written by a newer Kiln; this one reads version 1$/ },
    { name: 'version 0', text: edit((json) => (json['version'] = 0)), path: 'version', message: /^version: expected 1, got 0$/ },
    { name: 'runs missing', text: edit((json) => delete (json as Json)['runs']), path: 'runs', message: /^runs: missing; expected an array$/ },
    { name: 'a param that is an object', text: edit((json) => ((json.runs[1]!['params'] as Json)['lr'] = { a: 1 })), path: 'runs[1].params.lr', message: /^runs\[1\]\.params\.lr: expected a string, number, boolean or null, got an object$/ },
    { name: 'a param that is an array', text: edit((json) => ((json.runs[0]!['params'] as Json)['a b'] = [])), path: 'runs[0].params["a b"]', message: /^runs\[0\]\.params\["a b"\]: expected a string, number, boolean or null, got an array$/ },
    { name: 'an unknown special marker', text: edit((json) => ((json.runs[0]!['params'] as Json)['nan'] = { $kiln: 'nan' })), path: 'runs[0].params.nan', message: /expected a string, number, boolean or null, got an object$/ },
    { name: 'a tag that is a number', text: edit((json) => ((json.runs[0]!['tags'] as Json)['baseline'] = 1)), path: 'runs[0].tags.baseline', message: /^runs\[0\]\.tags\.baseline: expected a string, got a number \(1\)$/ },
    { name: 'an unknown status', text: edit((json) => (json.runs[0]!['status'] = 'done')), path: 'runs[0].status', message: /expected "running", "finished", "failed" or "interrupted", got a string \("done"\)$/ },
    { name: 'a bad run id', text: edit((json) => (json.runs[0]!['id'] = '../etc')), path: 'runs[0].id', message: /expected a run id \(letters, digits, _ and -/ },
    { name: 'a bad parent id', text: edit((json) => (json.runs[1]!['parentId'] = 5)), path: 'runs[1].parentId', message: /expected a run id .* or null, got a number \(5\)$/ },
    { name: 'a duplicate run id', text: edit((json) => (json.runs[1]!['id'] = json.runs[0]!['id'])), path: 'runs[1].id', message: /appears more than once$/ },
    { name: 'a start time that is text', text: edit((json) => (json.runs[0]!['startedAt'] = '2024-01-01')), path: 'runs[0].startedAt', message: /expected a finite number, got a string/ },
    { name: 'a missing notes field', text: edit((json) => delete json.runs[0]!['notes']), path: 'runs[0].notes', message: /^runs\[0\]\.notes: missing; expected a string$/ },
    { name: 'a summary value in another spelling', text: edit((json) => (((json.runs[0]!['metrics'] as Json)['loss'] as Json)['last'] = 'nan')), path: 'runs[0].metrics.loss.last', message: /expected a number \(or "NaN", "Infinity", "-Infinity"\), got a string \("nan"\)$/ },
    { name: 'a reproducibility cell without source', text: edit((json) => ((json.runs[0]!['reproducibility'] as Json)['code'] as Json[]).forEach((cell) => delete cell['source'])), path: 'runs[0].reproducibility.code[0].source', message: /missing; expected a string$/ },
    { name: 'a point for a run not in the file', text: edit((json) => (json.metrics[2]!['runId'] = runId('ghost'))), path: 'metrics[2].runId', message: /^metrics\[2\]\.runId: no run with id ".*" in this file$/ },
    { name: 'a point value that is null', text: edit((json) => (json.metrics[3]!['value'] = null)), path: 'metrics[3].value', message: /expected a number .*, got null$/ },
    { name: 'a point step that is missing', text: edit((json) => delete json.metrics[0]!['step']), path: 'metrics[0].step', message: /missing; expected a finite number$/ },
    { name: 'an objective direction', text: edit((json) => ((json.experiments[0]!['objective'] as Json)['direction'] = 'up')), path: 'experiments[0].objective.direction', message: /expected "max" or "min", got a string \("up"\)$/ },
    { name: 'an experiment without a name', text: edit((json) => (json.experiments[1]!['name'] = '')), path: 'experiments[1].name', message: /expected a non-empty string/ },
    { name: 'a duplicate experiment', text: edit((json) => (json.experiments[1]!['name'] = 'mnist')), path: 'experiments[1].name', message: /^experiments\[1\]\.name: "mnist" appears more than once$/ },
  ];

  it.each(cases)('$name → $path', ({ text, path, message }) => {
    const result = parseRunsExport(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.path).toBe(path);
    expect(result.error.message).toMatch(message);
    expect(result).not.toHaveProperty('value');
  });
});
