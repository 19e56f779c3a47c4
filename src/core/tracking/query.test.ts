import { describe, expect, it } from 'vitest';
import { makeRun, runId, summaryOf } from './__fixtures__/make-run';
import { compileFilter, parseQuery, queryField, queryString, type QueryNode } from './query';

function parsed(text: string): QueryNode {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error.message}`);
  return result.query;
}

describe('parseQuery: the AST', () => {
  const acc = { kind: 'metric', key: 'acc', aggregate: 'last' } as const;
  const cases: readonly { text: string; query: QueryNode }[] = [
    { text: '', query: { kind: 'match-all' } },
    { text: '   ', query: { kind: 'match-all' } },
    { text: 'metrics.acc > 0.9', query: { kind: 'compare', field: acc, operator: '>', value: 0.9 } },
    { text: 'metrics.acc>=.5', query: { kind: 'compare', field: acc, operator: '>=', value: 0.5 } },
    { text: 'metrics.acc.max < 1e-3', query: { kind: 'compare', field: { ...acc, aggregate: 'max' }, operator: '<', value: 0.001 } },
    { text: 'metrics.acc.MIN != -2', query: { kind: 'compare', field: { ...acc, aggregate: 'min' }, operator: '!=', value: -2 } },
    { text: 'metrics.`val/acc`.last = 1', query: { kind: 'compare', field: { kind: 'metric', key: 'val/acc', aggregate: 'last' }, operator: '=', value: 1 } },
    { text: 'metrics.`a.b-c` == 1', query: { kind: 'compare', field: { kind: 'metric', key: 'a.b-c', aggregate: 'last' }, operator: '=', value: 1 } },
    { text: 'metric.1st ~ "x"', query: { kind: 'compare', field: { kind: 'metric', key: '1st', aggregate: 'last' }, operator: '~', value: 'x' } },
    { text: 'metrics.loss = NaN', query: { kind: 'compare', field: { kind: 'metric', key: 'loss', aggregate: 'last' }, operator: '=', value: Number.NaN } },
    { text: 'metrics.loss < -inf', query: { kind: 'compare', field: { kind: 'metric', key: 'loss', aggregate: 'last' }, operator: '<', value: Number.NEGATIVE_INFINITY } },
    { text: "params.opt = 'adam'", query: { kind: 'compare', field: { kind: 'param', key: 'opt' }, operator: '=', value: 'adam' } },
    { text: String.raw`params.q = 'it\'s'`, query: { kind: 'compare', field: { kind: 'param', key: 'q' }, operator: '=', value: "it's" } },
    { text: 'params.flag = TRUE', query: { kind: 'compare', field: { kind: 'param', key: 'flag' }, operator: '=', value: true } },
    { text: 'tags.baseline', query: { kind: 'is-set', field: { kind: 'tag', key: 'baseline' } } },
    { text: 'starred', query: { kind: 'is-set', field: { kind: 'attribute', name: 'starred' } } },
    { text: 'attributes.status = "failed"', query: { kind: 'compare', field: { kind: 'attribute', name: 'status' }, operator: '=', value: 'failed' } },
    { text: 'Duration > 1000', query: { kind: 'compare', field: { kind: 'attribute', name: 'duration' }, operator: '>', value: 1000 } },
    {
      text: 'not tags.a or tags.b and tags.c',
      query: {
        kind: 'or',
        left: { kind: 'not', operand: { kind: 'is-set', field: { kind: 'tag', key: 'a' } } },
        right: { kind: 'and', left: { kind: 'is-set', field: { kind: 'tag', key: 'b' } }, right: { kind: 'is-set', field: { kind: 'tag', key: 'c' } } },
      },
    },
    {
      text: 'NOT (tags.a OR tags.b)',
      query: { kind: 'not', operand: { kind: 'or', left: { kind: 'is-set', field: { kind: 'tag', key: 'a' } }, right: { kind: 'is-set', field: { kind: 'tag', key: 'b' } } } },
    },
    {
      text: 'params.order and params.android',
      query: { kind: 'and', left: { kind: 'is-set', field: { kind: 'param', key: 'order' } }, right: { kind: 'is-set', field: { kind: 'param', key: 'android' } } },
    },
  ];

  it.each(cases)('$text', ({ text, query }) => {
    expect(parsed(text)).toEqual(query);
  });
});

describe('parseQuery: errors say what was expected where', () => {
  const cases: readonly { text: string; message: RegExp; offset: number; length: number }[] = [
    { text: 'metrics.val_acc > ', message: /^expected a value \(a number, a quoted string, true or false\) after '>' at column 19$/, offset: 18, length: 0 },
    { text: 'metrics.val_acc >  and tags.x', message: /^expected a value .* after '>' at column 20: put text in quotes, e.g. 'and'$/, offset: 19, length: 3 },
    { text: 'status = finished', message: /put text in quotes, e.g. 'finished'$/, offset: 9, length: 8 },
    { text: 'metrics.acc > 0.9x', message: /^'0\.9x' at column 15 is not a number$/, offset: 14, length: 4 },
    { text: 'metrics.acc > 0.9 tags.x', message: /^expected 'and', 'or' or the end of the query at column 19, found 'tags\.x'$/, offset: 18, length: 6 },
    { text: 'tags.x)', message: /^unexpected '\)' at column 7/, offset: 6, length: 1 },
    { text: '(tags.x or tags.y', message: /^expected '\)' at the end of the query to close the '\(' at column 1$/, offset: 17, length: 0 },
    { text: 'metrics.acc > 1 and', message: /^expected a field .* at column 20, found the end of the query$/, offset: 19, length: 0 },
    { text: 'and tags.x', message: /^expected a field at column 1, found the keyword 'and'$/, offset: 0, length: 3 },
    { text: 'lr < 0.1', message: /^unknown field 'lr' at column 1: expected metrics\.<key>, params\.<key>, tags\.<key> or one of name, status/, offset: 0, length: 2 },
    { text: 'params < 0.1', message: /^expected '\.' and a key after 'params' at column 7, e\.g\. params\.acc$/, offset: 6, length: 0 },
    { text: 'params. < 1', message: /^expected a key after 'params\.' at column 8 \(put keys with other characters in backticks/, offset: 7, length: 0 },
    { text: 'params.learning-rate < 1', message: /^keys with '-' need backticks: write params\.`learning-rate` \(column 8\)$/, offset: 7, length: 13 },
    { text: 'metrics.val/acc > 1', message: /^keys with '\/' need backticks: write metrics\.`val\/acc`/, offset: 8, length: 7 },
    { text: 'params.a.b = 1', message: /^keys with '\.' need backticks: write params\.`a\.b` \(column 9\)$/, offset: 8, length: 2 },
    { text: 'metrics.acc.top5 > 1', message: /write metrics\.`acc\.top5` .*only \.last, \.min, \.max may follow/, offset: 11, length: 5 },
    { text: 'metrics.`val/acc > 1', message: /^unterminated `key` starting at column 9: add the closing backtick$/, offset: 8, length: 12 },
    { text: 'metrics.`` > 1', message: /^empty key at column 9/, offset: 8, length: 2 },
    { text: "name = 'abc", message: /^unterminated string starting at column 8: add the closing '$/, offset: 7, length: 4 },
    { text: 'attributes.colour = 1', message: /^expected an attribute after 'attributes\.' at column 12: one of name, status/, offset: 11, length: 6 },
    { text: 'starred > true', message: /^'>' at column 9 compares numbers or text; true and false only go with = or !=$/, offset: 10, length: 4 },
    { text: 'params.lr ~ 0.1', message: /^'~' \(contains\) at column 11 needs quoted text/, offset: 12, length: 3 },
    { text: "status = 'finishd'", message: /^unknown status "finishd" at column 10: expected one of running, finished, failed, interrupted$/, offset: 9, length: 9 },
    { text: 'metrics.acc > @', message: /^expected a value .* after '>' at column 15, found '@'$/, offset: 14, length: 1 },
  ];

  it.each(cases)('$text', ({ text, message, offset, length }) => {
    const result = parseQuery(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect({ offset: result.error.offset, length: result.error.length }).toEqual({ offset, length });
  });
});

describe('compileFilter: which runs match', () => {
  const runs = [
    makeRun({
      id: 'base',
      name: 'ResNet baseline',
      params: { lr: 0.01, opt: 'adam', augment: true, layers: '3' },
      tags: { baseline: 'true', team: 'vision' },
      metrics: { val_acc: summaryOf(0.7, 0.95, 0.92), loss: summaryOf(1, 0.3), 'val/acc': summaryOf(0.9) },
      notes: 'First try',
      starred: true,
      startedAt: 0,
      endedAt: 5_000,
    }),
    makeRun({
      id: 'fast',
      name: 'fast lr',
      params: { lr: 0.1, opt: 'sgd', augment: false, layers: 'deep' },
      tags: { baseline: 'false' },
      metrics: { val_acc: summaryOf(0.5, 0.6), loss: summaryOf(2, Number.NaN) },
      status: 'failed',
      startedAt: 0,
      endedAt: 60_000,
    }),
    makeRun({
      id: 'live',
      name: 'still running',
      params: { lr: '0.001', opt: null },
      tags: { team: '' },
      metrics: { loss: summaryOf(0.8, Number.POSITIVE_INFINITY) },
      status: 'running',
      endedAt: null,
    }),
  ];

  const cases: readonly { text: string; matches: string[] }[] = [
    { text: '', matches: ['base', 'fast', 'live'] },
    { text: 'metrics.val_acc > 0.9', matches: ['base'] },
    { text: 'metrics.val_acc.max >= 0.95', matches: ['base'] },
    { text: 'metrics.val_acc.min < 0.6', matches: ['fast'] },
    { text: 'metrics.`val/acc` = 0.9', matches: ['base'] },
    { text: 'metrics.val_acc != 0.92', matches: ['fast'] },
    { text: 'metrics.val_acc < 2 or metrics.val_acc >= 2', matches: ['base', 'fast'] },
    { text: 'metrics.loss = NaN', matches: ['fast'] },
    { text: 'metrics.loss != NaN', matches: ['base', 'live'] },
    { text: 'metrics.loss > 100', matches: ['live'] },
    { text: 'metrics.loss = Infinity', matches: ['live'] },
    { text: 'metrics.loss < 1', matches: ['base'] },
    { text: 'metrics.val_acc', matches: ['base', 'fast'] },
    { text: 'params.lr <= 0.01', matches: ['base', 'live'] },
    { text: 'params.lr = 0.001', matches: ['live'] },
    { text: "params.lr = '0.01'", matches: ['base'] },
    { text: 'params.layers > 2', matches: ['base'] },
    { text: 'params.layers != 3', matches: ['fast'] },
    { text: "params.opt = 'adam'", matches: ['base'] },
    { text: "params.opt != 'adam'", matches: ['fast'] },
    { text: "params.opt ~ 'AD'", matches: ['base'] },
    { text: 'params.opt', matches: ['base', 'fast'] },
    { text: 'params.augment', matches: ['base'] },
    { text: 'params.augment = false', matches: ['fast'] },
    { text: 'params.missing = 1 or params.missing != 1', matches: [] },
    { text: 'tags.baseline', matches: ['base'] },
    { text: 'not tags.baseline', matches: ['fast', 'live'] },
    { text: 'tags.team', matches: ['base'] },
    { text: 'tags.baseline = true', matches: ['base'] },
    { text: 'tags.constructor or params.toString or metrics.hasOwnProperty', matches: [] },
    { text: "name ~ 'resnet'", matches: ['base'] },
    { text: "name = 'fast lr'", matches: ['fast'] },
    { text: "name < 'g'", matches: ['fast'] },
    { text: "name >= 'Still'", matches: ['live'] },
    { text: 'metrics.loss >= Infinity and metrics.loss <= inf', matches: ['live'] },
    { text: "notes ~ 'first'", matches: ['base'] },
    { text: "status = 'running' or status = 'failed'", matches: ['fast', 'live'] },
    { text: "status != 'finished'", matches: ['fast', 'live'] },
    { text: "experiment = 'exp'", matches: ['base', 'fast', 'live'] },
    { text: 'duration > 10000', matches: ['fast'] },
    { text: 'duration < 10000', matches: ['base'] },
    { text: 'starred', matches: ['base'] },
    { text: 'starred = false', matches: ['fast', 'live'] },
    { text: 'metrics.val_acc > 0.9 and params.lr <= 0.01 and tags.baseline', matches: ['base'] },
    { text: "(params.opt = 'sgd' or params.lr < 0.005) and not starred", matches: ['fast', 'live'] },
  ];

  it.each(cases)('$text', ({ text, matches }) => {
    const filter = compileFilter(text);
    if (!filter.ok) throw new Error(filter.error.message);
    expect(runs.filter(filter.matches).map((run) => run.id)).toEqual(matches.map(runId));
  });

  it('passes a parse error through and compiles nothing', () => {
    expect(compileFilter('metrics.acc >')).toMatchObject({ ok: false, error: { offset: 13 } });
  });

  // Speed at this size belongs in `npm run bench`, not in a test: here only the result counts.
  it('filters 10,000 runs correctly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      makeRun({ id: `r${i}`, params: { lr: i / 10_000, opt: i % 2 ? 'adam' : 'sgd' }, tags: i % 3 ? {} : { baseline: 'true' }, metrics: { val_acc: summaryOf(i / 10_000) } }),
    );
    const filter = compileFilter("metrics.val_acc > 0.5 and params.lr <= 0.9 and tags.baseline and params.opt ~ 'ad'");
    if (!filter.ok) throw new Error(filter.error.message);
    const kept = many.filter(filter.matches);
    expect(kept.length).toBe(many.filter((_, i) => i > 5_000 && i <= 9_000 && i % 3 === 0 && i % 2 === 1).length);
  });
});

describe('queryField and queryString: queries written for the parser', () => {
  it('write keys and values that compileFilter reads back, whatever characters they hold', () => {
    const tags = { team: 'vision', 'owner name': "O'Neil \\ co", 'val/acc': 'x' };
    const run = makeRun({ id: 'tagged', tags });
    const other = makeRun({ id: 'other', tags: { team: 'nlp' } });
    for (const [key, value] of Object.entries(tags)) {
      const filter = compileFilter(`${queryField('tags', key)} = ${queryString(value)}`);
      if (!filter.ok) throw new Error(filter.error.message);
      expect([run, other].filter(filter.matches).map((matched) => matched.id)).toEqual([run.id]);
    }
  });

  it('leave bare keys bare and quote the others', () => {
    expect(queryField('metrics', 'val_acc')).toBe('metrics.val_acc');
    expect(queryField('params', 'learning rate')).toBe('params.`learning rate`');
  });
});
