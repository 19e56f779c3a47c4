import { describe, expect, it } from 'vitest';
import { makeRun, runId, summaryOf } from './__fixtures__/make-run';
import { compileFilter } from './query';
import { cellValue, compareCells, metricKeys, paramKeys, runColumns, searchPredicate, selectRuns, sortRuns, tagsText, type CellOptions, type CellValue, type RunColumn } from './table';

const last: CellOptions = { aggregate: 'last' };
const param = (key: string): RunColumn => ({ kind: 'param', id: `params.${key}`, key });
const metric = (key: string): RunColumn => ({ kind: 'metric', id: `metrics.${key}`, key });

describe('runColumns', () => {
  it('lists attributes, then the union of param keys, then of metric keys, sorted whatever the run order', () => {
    const runs = [
      makeRun({ id: 'a', params: { lr: 1, layer10: 2 }, metrics: { val_loss: summaryOf(1) } }),
      makeRun({ id: 'b', params: { layer9: 1, Batch: 3 }, metrics: { acc: summaryOf(1), 'val/acc': summaryOf(2) } }),
    ];
    const ids = runColumns(runs).map((column) => column.id);
    expect(ids).toEqual(['name', 'experiment', 'status', 'startedAt', 'duration', 'tags', 'notes', 'starred', 'params.Batch', 'params.layer9', 'params.layer10', 'params.lr', 'metrics.acc', 'metrics.val_loss', 'metrics.val/acc']);
    expect(runColumns([...runs].reverse())).toEqual(runColumns(runs));
  });

  it.each([
    { name: 'case variants both kept, in a fixed order', keys: ['b', 'a', 'A'], expected: ['a', 'A', 'b'] },
    { name: 'numbers inside keys read as numbers', keys: ['x10', 'x2', 'x1'], expected: ['x1', 'x2', 'x10'] },
  ])('key order: $name', ({ keys, expected }) => {
    const runs = keys.map((key, i) => makeRun({ id: `r${i}`, params: { [key]: 1 }, metrics: { [key]: summaryOf(1) } }));
    expect(paramKeys(runs)).toEqual(expected);
    expect(metricKeys(runs)).toEqual(expected);
  });
});

describe('cellValue', () => {
  const run = makeRun({
    name: 'r1',
    params: { lr: 0.01, opt: null },
    tags: { baseline: 'true', team: 'vision', label: '' },
    metrics: { acc: summaryOf(0.5, 0.9, 0.7), val_loss: summaryOf(0.9, 0.2, 0.4) },
    startedAt: 1_000,
    endedAt: 4_500,
  });
  const cases: readonly { column: RunColumn; options?: CellOptions; expected: CellValue }[] = [
    { column: { kind: 'attribute', id: 'name' }, expected: 'r1' },
    { column: { kind: 'attribute', id: 'duration' }, expected: 3_500 },
    { column: { kind: 'attribute', id: 'starred' }, expected: false },
    { column: { kind: 'attribute', id: 'tags' }, expected: 'baseline, label, team=vision' },
    { column: param('lr'), expected: 0.01 },
    { column: param('opt'), expected: null },
    { column: param('missing'), expected: null },
    { column: param('constructor'), expected: null },
    { column: metric('acc'), expected: 0.7 },
    { column: metric('acc'), options: { aggregate: 'min' }, expected: 0.5 },
    { column: metric('acc'), options: { aggregate: 'max' }, expected: 0.9 },
    { column: metric('acc'), options: { aggregate: 'best' }, expected: 0.9 },
    { column: metric('val_loss'), options: { aggregate: 'best' }, expected: 0.2 },
    { column: metric('val_loss'), options: { aggregate: 'best', objectives: new Map([['exp', { metric: 'val_loss', direction: 'max' }]]) }, expected: 0.9 },
    { column: metric('val_loss'), options: { aggregate: 'best', objectives: new Map([['other', { metric: 'val_loss', direction: 'max' }]]) }, expected: 0.2 },
    { column: metric('f1'), expected: null },
  ];
  it.each(cases)('$column.id ($options.aggregate) → $expected', ({ column, options = last, expected }) => {
    expect(cellValue(run, column, options)).toBe(expected);
  });

  it('a running run has no duration', () => {
    expect(cellValue(makeRun({ endedAt: null, status: 'running' }), { kind: 'attribute', id: 'duration' }, last)).toBeNull();
  });

  it('tagsText is empty for no tags', () => {
    expect(tagsText({})).toBe('');
  });
});

describe('compareCells', () => {
  const values: CellValue[] = [null, 'b', Number.NaN, 3, true, Number.NEGATIVE_INFINITY, 'a10', false, 'a9', -1, Number.POSITIVE_INFINITY];
  it.each([
    { direction: 'ascending', expected: [Number.NEGATIVE_INFINITY, -1, 3, Number.POSITIVE_INFINITY, false, true, 'a9', 'a10', 'b', Number.NaN, null] },
    { direction: 'descending', expected: ['b', 'a10', 'a9', true, false, Number.POSITIVE_INFINITY, 3, -1, Number.NEGATIVE_INFINITY, Number.NaN, null] },
  ] as const)('$direction: values by kind, NaN and then missing last', ({ direction, expected }) => {
    expect([...values].sort((a, b) => compareCells(a, b, direction))).toEqual(expected);
  });
});

describe('sortRuns', () => {
  const runs = [
    makeRun({ id: 'none', params: {} }),
    makeRun({ id: 'high', params: { lr: 0.1 } }),
    makeRun({ id: 'nan', params: { lr: Number.NaN } }),
    makeRun({ id: 'low', params: { lr: 0.001 } }),
    makeRun({ id: 'lowToo', params: { lr: 0.001 } }),
  ];
  it.each([
    { direction: 'ascending', expected: ['low', 'lowToo', 'high', 'nan', 'none'] },
    { direction: 'descending', expected: ['high', 'low', 'lowToo', 'nan', 'none'] },
  ] as const)('$direction, ties in the given order', ({ direction, expected }) => {
    expect(sortRuns(runs, param('lr'), direction, last).map((run) => run.id)).toEqual(expected.map(runId));
  });
});

describe('searchPredicate', () => {
  const runs = [
    makeRun({ id: 'a', name: 'ResNet baseline', notes: 'Augmented with flips' }),
    makeRun({ id: 'b', name: 'small cnn', tags: { owner: 'Ada' } }),
    makeRun({ id: 'c', name: 'mlp', tags: { 'needs-review': 'true' } }),
  ];
  it.each([
    { text: '', expected: ['a', 'b', 'c'] },
    { text: 'resnet', expected: ['a'] },
    { text: 'FLIPS', expected: ['a'] },
    { text: 'ada', expected: ['b'] },
    { text: 'owner', expected: ['b'] },
    { text: 'review', expected: ['c'] },
    { text: '  small   cnn ', expected: ['b'] },
    { text: 'small resnet', expected: [] },
  ])('"$text"', ({ text, expected }) => {
    expect(runs.filter(searchPredicate(text)).map((run) => run.id)).toEqual(expected.map(runId));
  });
});

describe('selectRuns', () => {
  const runs = Array.from({ length: 10_000 }, (_, i) =>
    makeRun({
      id: `r${i}`,
      name: `run ${i}`,
      notes: i % 10 === 0 ? 'promising' : '',
      params: Object.fromEntries(Array.from({ length: 20 }, (_, p) => [`p${p}`, (i * (p + 1)) % 97])),
      tags: i % 2 ? { baseline: 'true' } : {},
      metrics: Object.fromEntries(Array.from({ length: 10 }, (_, m) => [`m${m}`, summaryOf(((i * 31 + m) % 1_000) / 1_000)])),
    }),
  );

  it('filters, searches and sorts', () => {
    const filter = compileFilter('params.p0 < 50 and tags.baseline');
    if (!filter.ok) throw new Error(filter.error.message);
    const shown = selectRuns(runs.slice(0, 100), { filter: filter.matches, search: 'promising', sort: { column: metric('m0'), direction: 'descending' } }, last);
    const expected = runs
      .slice(0, 100)
      .filter((run) => (run.params['p0'] as number) < 50 && run.tags['baseline'] && run.notes === 'promising')
      .sort((a, b) => b.metrics['m0']!.last - a.metrics['m0']!.last);
    expect(shown.map((run) => run.name)).toEqual(expected.map((run) => run.name));
  });
});
