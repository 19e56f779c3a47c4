import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv';
import { makeRun, runId, summaryOf } from './__fixtures__/make-run';
import { csvField, runsToCsv } from './runs-csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' spaced ', ' spaced '],
  ])('%j → %j', (text, field) => {
    expect(csvField(text)).toBe(field);
  });
});

describe('runsToCsv', () => {
  const runs = [
    makeRun({
      id: 'a',
      experiment: 'mnist',
      name: 'base, v1',
      startedAt: Date.UTC(2024, 0, 2, 3, 4, 5),
      endedAt: Date.UTC(2024, 0, 2, 3, 5, 5, 250),
      notes: 'said "good"\nthen left',
      params: { lr: 0.01, opt: 'adam', flag: true, none: null },
      metrics: { acc: summaryOf(0.5, 0.9), loss: summaryOf(1, Number.NaN) },
      tags: { baseline: 'true' },
    }),
    makeRun({ id: 'b', experiment: 'mnist', name: 'live', status: 'running', startedAt: Date.UTC(2024, 0, 3), endedAt: null, params: { lr: 1e-7 }, metrics: { loss: summaryOf(Number.POSITIVE_INFINITY) } }),
  ];

  it('writes one row per run with quoted fields, CRLF line ends, and the documented columns', () => {
    const [a, b] = [runId('a'), runId('b')];
    expect(runsToCsv(runs)).toBe(
      [
        'id,experiment,name,status,start,end,duration,notes,params.flag,params.lr,params.none,params.opt,metrics.acc,metrics.loss,tags.baseline',
        `${a},mnist,"base, v1",finished,2024-01-02T03:04:05.000Z,2024-01-02T03:05:05.250Z,60250,"said ""good""\nthen left",true,0.01,,adam,0.9,NaN,true`,
        `${b},mnist,live,running,2024-01-03T00:00:00.000Z,,,,,1e-7,,,,Infinity,`,
        '',
      ].join('\r\n'),
    );
  });

  it('reads back with an RFC 4180 parser into the same cells', () => {
    const parsed = parseCsv(runsToCsv(runs));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[0]![2]).toBe('base, v1');
    expect(parsed.rows[0]![7]).toBe('said "good"\nthen left');
    expect(parsed.rows.every((row) => row.length === parsed.header.length)).toBe(true);
  });

  it('writes only the header row for no runs', () => {
    expect(runsToCsv([])).toBe('id,experiment,name,status,start,end,duration,notes\r\n');
  });
});
