import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../registry/types';
import { makeRun, runId } from './__fixtures__/make-run';
import { checkRunName, deletionRefusal, isLabelTag, parseTagInput, RUN_NAME_MAX, withoutTag, withTag } from './run-annotations';

function version(model: string, number: number, run: string): ModelVersion {
  return { model, version: number, runId: runId(run), runName: run, experiment: 'exp', params: {}, metrics: {}, objective: null, dataFingerprints: {}, stage: 'none', createdAt: 0 };
}

describe('checkRunName', () => {
  it.each([
    ['  wide net ', { ok: true, value: 'wide net' }],
    ['', { ok: false, message: 'A run needs a name.' }],
    ['   ', { ok: false, message: 'A run needs a name.' }],
    ['two\nlines', { ok: false, message: 'A run name is one line.' }],
    ['x'.repeat(RUN_NAME_MAX + 1), { ok: false, message: `A run name has at most 250 characters (this one has 251).` }],
  ])('%j', (text, expected) => {
    expect(checkRunName(text)).toEqual(expected);
  });

  it('keeps a name of exactly the limit', () => {
    expect(checkRunName('x'.repeat(RUN_NAME_MAX))).toEqual({ ok: true, value: 'x'.repeat(RUN_NAME_MAX) });
  });
});

describe('parseTagInput', () => {
  it.each([
    ['baseline', { key: 'baseline', value: 'true' }],
    ['  team = vision ', { key: 'team', value: 'vision' }],
    ['team: vision', { key: 'team', value: 'vision' }],
    ['data=v2=final', { key: 'data', value: 'v2=final' }],
    ['owner=', { key: 'owner', value: '' }],
    ['needs review', { key: 'needs review', value: 'true' }],
  ])('accepts %j', (text, expected) => {
    expect(parseTagInput(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', /Type a tag/],
    ['  ', /Type a tag/],
    ['=vision', /needs a key before '='/],
    ['a`b', /backtick/],
    ['k'.repeat(251), /at most 250 characters/],
    [`k=${'v'.repeat(5001)}`, /at most 5000 characters/],
  ])('refuses %j', (text, message) => {
    const parsed = parseTagInput(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('tags on a run', () => {
  it('adds, replaces and removes tags without touching the rest of the run', () => {
    const run = makeRun({ tags: { baseline: 'true' }, notes: 'keep me' });
    const tagged = withTag(withTag(run, { key: 'team', value: 'vision' }), { key: 'team', value: 'nlp' });
    expect(tagged.tags).toEqual({ baseline: 'true', team: 'nlp' });
    expect(withoutTag(tagged, 'baseline')).toEqual({ ...run, tags: { team: 'nlp' } });
    expect(withoutTag(run, 'absent')).toBe(run);
    expect(run.tags).toEqual({ baseline: 'true' });
  });

  it('treats "true" and empty values as labels', () => {
    expect([isLabelTag('true'), isLabelTag(''), isLabelTag('vision')]).toEqual([true, true, false]);
  });
});

describe('deletionRefusal', () => {
  const a = makeRun({ id: 'a', name: 'wide net' });
  const b = makeRun({ id: 'b', name: 'deep net' });

  it('lets unregistered, ended runs go', () => {
    expect(deletionRefusal([a, b], [])).toBeNull();
  });

  it('names every model version that holds a run', () => {
    const message = deletionRefusal([a, b], [version('penguins', 2, 'a'), version('churn', 1, 'a'), version('penguins', 1, 'b')]);
    expect(message).toBe(
      'Nothing was deleted: “wide net” is registered as churn v1, penguins v2; “deep net” is registered as penguins v1. ' +
        "The registry exports a version's model from its run, so a registered run is kept; deselect it to delete the others.",
    );
  });

  it('keeps running runs', () => {
    const running = [1, 2, 3, 4].map((index) => makeRun({ id: `r${index}`, name: `fit ${index}`, status: 'running' }));
    expect(deletionRefusal([a, ...running], [])).toBe('Nothing was deleted: “fit 1”, “fit 2”, “fit 3” and 1 more are still running. Interrupt the training first.');
    expect(deletionRefusal([running[0]!], [])).toMatch(/“fit 1” is still running/);
  });
});
