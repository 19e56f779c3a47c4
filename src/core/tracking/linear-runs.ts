/**
 * A lossless, compact form for step and timestamp columns, which are mostly arithmetic runs:
 * steps count up by one, and a loop logging faster than the clock ticks repeats a timestamp.
 * A column is kept as [start, delta, count] triples (entry k of a run is start + k × delta,
 * computed the same way when encoding and decoding, so every value comes back exactly), or as it
 * is when that would not be smaller. IndexedDB's cost grows with the bytes written: a million
 * points went from 24 to about 8 bytes each.
 */

/** A column as stored: its values, or triples of [start, delta, count]. */
export type PackedColumn = Float64Array | { readonly runs: Float64Array };

/** Entry k of a run; the one formula both directions use, so what is packed unpacks to the same bits. */
const entry = (first: number, delta: number, k: number): number => (k === 0 ? first : first + k * delta);

export function packColumn(values: Float64Array): PackedColumn {
  const runs: number[] = [];
  let start = 0;
  while (start < values.length) {
    const first = values[start]!;
    const delta = start + 1 < values.length ? values[start + 1]! - first : 0;
    let end = start + 1;
    // Object.is: -0 and NaN are told apart from 0 and themselves, as they must be to come back exactly.
    while (end < values.length && Object.is(values[end], entry(first, delta, end - start))) end += 1;
    runs.push(first, end - start > 1 ? delta : 0, end - start);
    // Irregular values would take three numbers each: keep them as they are.
    if (runs.length >= values.length) return values;
    start = end;
  }
  return { runs: Float64Array.from(runs) };
}

export function unpackColumn(column: PackedColumn): Float64Array {
  if (column instanceof Float64Array) return column;
  const { runs } = column;
  let length = 0;
  for (let i = 2; i < runs.length; i += 3) length += runs[i]!;
  const values = new Float64Array(length);
  let at = 0;
  for (let i = 0; i < runs.length; i += 3) {
    const first = runs[i]!;
    const delta = runs[i + 1]!;
    const count = runs[i + 2]!;
    for (let k = 0; k < count; k += 1) values[at++] = entry(first, delta, k);
  }
  return values;
}
