import { describe, expect, it } from 'vitest';
import type { CellOutput, DisplayOutput } from '../outputs';
import { MAX_STREAM_CHARS, TRUNCATION_MARKER, appendOutput, capStreamText } from './outputs';

const out = (text: string): CellOutput => ({ type: 'stream', name: 'stdout', text });
const err = (text: string): CellOutput => ({ type: 'stream', name: 'stderr', text });
const text = (value: string, displayId?: string): DisplayOutput => ({
  type: 'display',
  bundle: { kind: 'text', text: value },
  ...(displayId === undefined ? {} : { displayId }),
});
const error: CellOutput = { type: 'error', name: 'Error', message: 'boom', traceback: [] };

describe('appendOutput', () => {
  const cases: { name: string; before: CellOutput[]; add: CellOutput; after: CellOutput[] }[] = [
    { name: 'first output', before: [], add: out('a'), after: [out('a')] },
    { name: 'merges consecutive stdout', before: [out('a\n')], add: out('b\n'), after: [out('a\nb\n')] },
    { name: 'merges consecutive stderr', before: [out('x'), err('a')], add: err('b'), after: [out('x'), err('ab')] },
    { name: 'keeps stdout and stderr apart', before: [out('a')], add: err('b'), after: [out('a'), err('b')] },
    { name: 'does not merge across a display', before: [out('a'), text('t')], add: out('b'), after: [out('a'), text('t'), out('b')] },
    { name: 'does not merge across an error', before: [out('a'), error], add: out('b'), after: [out('a'), error, out('b')] },
    { name: 'appends a display without id', before: [text('1')], add: text('2'), after: [text('1'), text('2')] },
    { name: 'appends a new display id', before: [text('1', 'p')], add: text('2', 'q'), after: [text('1', 'p'), text('2', 'q')] },
    {
      name: 'replaces a display with the same id in place',
      before: [text('1', 'p'), out('log')],
      add: text('2', 'p'),
      after: [text('2', 'p'), out('log')],
    },
    {
      name: 'replaces every display with that id, as Jupyter does',
      before: [text('1', 'p'), out('log'), text('1', 'p')],
      add: text('3', 'p'),
      after: [text('3', 'p'), out('log'), text('3', 'p')],
    },
    { name: 'appends errors', before: [out('a')], add: error, after: [out('a'), error] },
  ];
  it.each(cases)('$name', ({ before, add, after }) => {
    const frozen = Object.freeze([...before]);
    expect(appendOutput(frozen, add)).toStrictEqual(after);
  });

  it('returns the same array for an empty stream write', () => {
    const before = [out('a')];
    expect(appendOutput(before, out(''))).toBe(before);
  });

  it('caps one stream to the limit, keeping the tail behind a marker', () => {
    const max = 100;
    let outputs: readonly CellOutput[] = [];
    for (let i = 0; i < 50; i += 1) outputs = appendOutput(outputs, out(`line ${i}\n`), { maxStreamChars: max });
    expect(outputs).toHaveLength(1);
    const [only] = outputs;
    expect(only?.type === 'stream' && only.text.length <= max).toBe(true);
    expect(only?.type === 'stream' && only.text.startsWith(TRUNCATION_MARKER)).toBe(true);
    expect(only?.type === 'stream' && only.text.endsWith('line 49\n')).toBe(true);
  });

  it('caps a single huge write too', () => {
    const huge = 'x'.repeat(MAX_STREAM_CHARS + 10);
    const [only] = appendOutput([], out(huge));
    expect(only?.type === 'stream' ? only.text.length : 0).toBe(MAX_STREAM_CHARS);
  });
});

describe('capStreamText', () => {
  it('leaves short text alone', () => {
    expect(capStreamText('abc', 10)).toBe('abc');
  });

  it('never starts the tail with half a surrogate pair', () => {
    const emoji = '😀'.repeat(40);
    const capped = capStreamText(emoji, TRUNCATION_MARKER.length + 5);
    const tail = capped.slice(TRUNCATION_MARKER.length);
    expect(tail).toBe('😀😀');
  });
});
