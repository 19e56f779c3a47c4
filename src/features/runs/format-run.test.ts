import { describe, expect, it } from 'vitest';
import { noteSummary, tagEntries } from './format-run';

describe('tagEntries', () => {
  it('orders chips by key, shows labels by key and says how to filter for each', () => {
    expect(tagEntries({ team: 'vision', baseline: 'true', 'needs review': '', owner: "O'Neil" })).toEqual([
      { key: 'baseline', label: 'baseline', title: 'Filter with: tags.baseline' },
      { key: 'needs review', label: 'needs review', title: 'Filter with: tags.`needs review`' },
      { key: 'owner', label: "owner: O'Neil", title: "Filter with: tags.owner = 'O\\'Neil'" },
      { key: 'team', label: 'team: vision', title: "Filter with: tags.team = 'vision'" },
    ]);
  });
});

describe('noteSummary', () => {
  it.each([
    ['', { line: '', isCut: false }],
    ['one line', { line: 'one line', isCut: false }],
    ['\n  first \r\n\nsecond', { line: 'first', isCut: true }],
  ])('%j', (notes, expected) => {
    expect(noteSummary(notes)).toEqual(expected);
  });
});
