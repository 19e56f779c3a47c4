import { describe, expect, it } from 'vitest';
import { packColumn, unpackColumn } from './linear-runs';

const bits = (values: Float64Array) => Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length));

describe('packColumn / unpackColumn', () => {
  it.each([
    { name: 'steps counting up', values: Array.from({ length: 1_000 }, (_, i) => 4_000 + i), runs: 1 },
    { name: 'a repeated timestamp, then another', values: [...Array<number>(600).fill(1.7e12), ...Array<number>(400).fill(1.7e12 + 1)], runs: 2 },
    { name: 'epochs with a gap', values: [...Array.from({ length: 10 }, (_, i) => 1 + i), ...Array.from({ length: 10 }, (_, i) => 20 + i)], runs: 2 },
    { name: 'fractional steps', values: Array.from({ length: 50 }, (_, i) => i * 0.1), runs: -1 },
  ])('$name come back exactly', ({ values, runs }) => {
    const column = Float64Array.from(values);
    const packed = packColumn(column);
    if (runs > 0) expect(packed).toEqual({ runs: expect.any(Float64Array) });
    if (runs > 0 && !(packed instanceof Float64Array)) expect(packed.runs.length).toBe(3 * runs);
    expect(bits(unpackColumn(packed))).toEqual(bits(column));
  });

  it('keeps irregular columns as they are (triples would be bigger)', () => {
    const column = Float64Array.from([5, 1, 9, 2, 8]);
    expect(packColumn(column)).toBe(column);
  });

  it('tells -0 from 0 and survives huge jumps and non-finite values', () => {
    const column = Float64Array.from([0, -0, 0, -1e308, 1e308, 1e308, 1e308, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect(bits(unpackColumn(packColumn(column)))).toEqual(bits(column));
  });

  it('handles empty and single-value columns', () => {
    expect(unpackColumn(packColumn(new Float64Array()))).toEqual(new Float64Array());
    expect(Array.from(unpackColumn(packColumn(Float64Array.of(3))))).toEqual([3]);
  });
});
