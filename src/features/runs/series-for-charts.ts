/** Smoothing and downsampling for the compare charts (to move to core/tracking/series once it lands). */
export type XY = { readonly x: number; readonly y: number };

/** TensorBoard-style exponential moving average, debiased so the first points are not pulled to 0. */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let average = 0;
  return values.map((value, index) => {
    average = average * weight + (1 - weight) * value;
    return average / (1 - weight ** (index + 1));
  });
}

/** At most 4 points per pixel bucket (first, min, max, last, in x order), so every spike stays visible. */
export function downsampleMinMax(points: readonly XY[], buckets: number): XY[] {
  if (points.length <= buckets * 4) return [...points];
  const first = points[0]!.x;
  const span = points[points.length - 1]!.x - first || 1;
  const out: XY[] = [];
  let start = 0;
  while (start < points.length) {
    const bucket = Math.min(buckets - 1, Math.floor(((points[start]!.x - first) / span) * buckets));
    let end = start;
    let min = start;
    let max = start;
    while (end < points.length && Math.min(buckets - 1, Math.floor(((points[end]!.x - first) / span) * buckets)) === bucket) {
      if (points[end]!.y < points[min]!.y) min = end;
      if (points[end]!.y > points[max]!.y) max = end;
      end += 1;
    }
    for (const index of [...new Set([start, min, max, end - 1])].sort((a, b) => a - b)) out.push(points[index]!);
    start = end;
  }
  return out;
}
