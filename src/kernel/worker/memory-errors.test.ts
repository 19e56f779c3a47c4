import { describe, expect, it } from 'vitest';
import type { ErrorOutput } from '../../core/outputs';
import { looksLikeOutOfMemory, withMemoryHint } from './memory-errors';

const error = (name: string, message: string): ErrorOutput => ({ type: 'error', name, message, traceback: ['at cell-2:1:16'] });
const held = { numTensors: 37, numBytes: 1_520_000_000 };

describe('withMemoryHint', () => {
  it.each([
    ['RangeError', 'Array buffer allocation failed'],
    ['RangeError', 'Invalid typed array length: 50000000'],
    ['RuntimeError', 'Aborted(OOM)'],
    ['Error', 'Cannot enlarge memory arrays to size 2147549184 bytes'],
  ])('explains %s: %s as memory running out, with what the kernel holds', (name, message) => {
    const explained = withMemoryHint(error(name, message), held);
    expect(explained.message).toBe(message);
    expect(explained.traceback[0]).toBe('at cell-2:1:16');
    expect(explained.traceback.at(-1)).toMatch(/^The kernel probably ran out of memory: it holds 1\.52 GB in 37 tensors \(tf\.memory\(\)\)\. Dispose tensors/);
  });

  it('leaves every other error as it was', () => {
    for (const message of ['x is not defined', 'Shapes 2,3 and 4 must match', 'room 101 is booked', 'Invalid typed array length: -1', 'Invalid array length']) {
      const original = error('Error', message);
      expect(looksLikeOutOfMemory(original)).toBe(false);
      expect(withMemoryHint(original, held)).toBe(original);
    }
  });
});
