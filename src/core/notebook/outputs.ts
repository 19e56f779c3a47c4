/**
 * How a cell's output list grows while it runs: streams coalesce, display ids update in place and
 * runaway prints are capped, so a `for` loop that logs a million lines cannot exhaust memory.
 */
import { assertNever } from '../../lib/invariant';
import type { CellOutput, DisplayOutput, StreamOutput } from '../outputs';

export { toPlainText } from './plainText';

/** About 1 MB of text per stream output; beyond that only the tail is kept. */
export const MAX_STREAM_CHARS = 1_000_000;
export const TRUNCATION_MARKER = '[... output truncated ...]\n';

export type AppendOutputOptions = {
  /** Largest length of one stream output's text, marker included. */
  readonly maxStreamChars?: number;
};

/**
 * Adds `output` to `outputs` the way a notebook shows it. Returns the same array when nothing
 * changes (an empty stream write), so callers can skip re-rendering.
 */
export function appendOutput(
  outputs: readonly CellOutput[],
  output: CellOutput,
  options: AppendOutputOptions = {},
): readonly CellOutput[] {
  const maxChars = options.maxStreamChars ?? MAX_STREAM_CHARS;
  switch (output.type) {
    case 'stream':
      return appendStream(outputs, output, maxChars);
    case 'display':
      return output.displayId === undefined ? [...outputs, output] : replaceOrAppendDisplay(outputs, output);
    case 'error':
      return [...outputs, output];
    default:
      return assertNever(output, 'output');
  }
}

function appendStream(outputs: readonly CellOutput[], output: StreamOutput, maxChars: number): readonly CellOutput[] {
  if (output.text === '') return outputs;
  const last = outputs.at(-1);
  if (last?.type === 'stream' && last.name === output.name) {
    const merged: StreamOutput = { ...last, text: capStreamText(last.text + output.text, maxChars) };
    return [...outputs.slice(0, -1), merged];
  }
  const capped = capStreamText(output.text, maxChars);
  return [...outputs, capped === output.text ? output : { ...output, text: capped }];
}

/** Keeps the tail: the end of a long log is what tells the user where a run got to. */
export function capStreamText(text: string, maxChars: number = MAX_STREAM_CHARS): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - TRUNCATION_MARKER.length);
  let tail = keep === 0 ? '' : text.slice(-keep);
  // Never start on the second half of a surrogate pair: that would render as a broken glyph.
  const first = tail.charCodeAt(0);
  if (first >= 0xdc00 && first <= 0xdfff) tail = tail.slice(1);
  return TRUNCATION_MARKER + tail;
}

/** Like Jupyter's update_display_data: every output with that display id is replaced where it stands. */
function replaceOrAppendDisplay(outputs: readonly CellOutput[], output: DisplayOutput): readonly CellOutput[] {
  let replaced = false;
  const next = outputs.map((existing) => {
    if (existing.type !== 'display' || existing.displayId !== output.displayId) return existing;
    replaced = true;
    return output;
  });
  return replaced ? next : [...outputs, output];
}
