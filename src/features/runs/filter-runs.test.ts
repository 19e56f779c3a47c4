import { describe, expect, it } from 'vitest';
import { makeRun } from '../../core/tracking/__fixtures__/make-run';
import { filterRuns } from './filter-runs';

const runs = [
  makeRun({ id: 'a', name: 'wide net', starred: true, tags: { baseline: 'true' }, notes: 'Learning rate too high' }),
  makeRun({ id: 'b', name: 'deep net', tags: { team: 'vision' } }),
  makeRun({ id: 'c', name: 'tiny net', starred: true, notes: 'underfits' }),
];
const names = (text: string) => filterRuns(runs, text).runs.map((run) => run.name);

describe('filterRuns', () => {
  it('reads a bare "starred" as the star filter, not a word to search', () => {
    expect(names('starred')).toEqual(['wide net', 'tiny net']);
    expect(names(' not starred ')).toEqual(['deep net']);
    expect(names('starred and tags.baseline')).toEqual(['wide net']);
  });

  it('searches names, notes, tag keys and tag values for every word', () => {
    expect(names('rate HIGH')).toEqual(['wide net']);
    expect(names('vision')).toEqual(['deep net']);
    expect(names('baseline')).toEqual(['wide net']);
    expect(names('net underfits')).toEqual(['tiny net']);
  });

  it('filters by tags with the query language', () => {
    expect(names("tags.team = 'vision'")).toEqual(['deep net']);
    expect(names('tags.baseline or notes ~ "underfits"')).toEqual(['wide net', 'tiny net']);
  });

  it('keeps the runs and says where a bad query fails', () => {
    const result = filterRuns(runs, 'tags.team =');
    expect(result.runs).toBe(runs);
    expect(result.error).toMatch(/expected a value/);
  });
});
