/**
 * Plotly traces for the compare view. Long histories are downsampled per pixel bucket so curves
 * keep their true shape (spikes included); NaN and infinite values are drawn as markers at the
 * plot's edge instead of breaking the line.
 */
import type { RunId } from '../../lib/ids';
import type { Run } from '../../core/tracking/types';
import { chartSeriesOfColumns, countNonFinite, type ChartSeries, type SeriesColumns, type XAxisMode } from '../../core/tracking/series';

export type XAxis = 'step' | 'relative-time' | 'wall-time';

const AXIS_MODES: Record<XAxis, XAxisMode> = { step: 'step', 'relative-time': 'relative', 'wall-time': 'wall' };

const PALETTE = ['#c2410c', '#2563eb', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#4b5563', '#dc2626', '#65a30d'];

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#4b5563';
}

/** Pixels per downsampling bucket: a bucket keeps up to 4 points (its first, lowest, highest and last), so every spike stays. */
const PIXELS_PER_BUCKET = 3;

type CurveOptions = { xAxis: XAxis; smoothing: number; widthPx: number };

type PreparedCurve = { readonly options: string; readonly shown: ChartSeries; readonly nonFinite: number };

/**
 * Each history's curve as last prepared (the history is the columns a read returned), so
 * selecting one more run prepares that run's curve only; other options prepare them all again.
 */
const preparedCurves = new WeakMap<SeriesColumns, PreparedCurve>();

function preparedCurve(columns: SeriesColumns, startedAt: number, options: CurveOptions): PreparedCurve {
  const key = JSON.stringify([startedAt, options.xAxis, options.smoothing, options.widthPx]);
  const prepared = preparedCurves.get(columns);
  if (prepared?.options === key) return prepared;
  const curve: PreparedCurve = {
    options: key,
    shown: chartSeriesOfColumns(columns, { xAxis: AXIS_MODES[options.xAxis], smoothing: options.smoothing, buckets: options.widthPx / PIXELS_PER_BUCKET, startedAt }),
    nonFinite: countNonFinite(columns.values),
  };
  preparedCurves.set(columns, curve);
  return curve;
}

/**
 * One line per run (plus its NaN/∞ markers) for the shown metric. Each history is smoothed whole,
 * then cut down to at most 4 points (first, min, max, last) per 3-pixel bucket before plotly sees
 * it: 20 runs × 10,000 steps become 20 lines of at most 1,200 points, spikes kept. That few points
 * draw fast as SVG, so the curves need no WebGL (which is slow without a GPU, and every WebGL
 * chart on the page costs a context).
 */
export function curveTraces(
  runs: readonly Run[],
  series: ReadonlyMap<RunId, SeriesColumns>,
  options: CurveOptions,
): { traces: unknown[]; nonFinite: number } {
  const traces: unknown[] = [];
  let nonFinite = 0;
  runs.forEach((run, index) => {
    // A run not read yet gets no line until its points are there; one read without points for this
    // metric gets an empty line, so the legend lists it.
    const columns = series.get(run.id);
    if (columns === undefined) return;
    const { shown, nonFinite: marked } = preparedCurve(columns, run.startedAt, options);
    nonFinite += marked;
    const color = colorOf(index);
    const { line } = shown;
    traces.push({ type: 'scatter', mode: line.length > 60 ? 'lines' : 'lines+markers', name: run.name, x: line.map((p) => p.x), y: line.map((p) => p.y), line: { color, width: 2 }, marker: { size: 4 } });
    if (shown.nonFinite.length > 0) {
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: `${run.name}: NaN/∞`,
        x: shown.nonFinite.map((p) => p.x),
        y: shown.nonFinite.map(() => 1),
        yaxis: 'y',
        yref: 'paper',
        marker: { symbol: 'x', size: 9, color },
        text: shown.nonFinite.map((p) => String(p.y)),
        hovertemplate: '%{text} at %{x}<extra></extra>',
        showlegend: false,
        cliponaxis: false,
      });
    }
  });
  return { traces, nonFinite };
}

/** Parallel coordinates: one axis per differing param (numeric, or categories as indices), then the objective. */
export function parallelCoordinates(runs: readonly Run[], params: readonly string[], metric: string): unknown {
  const dimensions = params.map((key) => {
    const values = runs.map((run) => run.params[key] ?? null);
    if (values.every((value) => typeof value === 'number')) return { label: key, values };
    const labels = [...new Set(values.map((value) => String(value)))];
    return { label: key, values: values.map((value) => labels.indexOf(String(value))), tickvals: labels.map((_, i) => i), ticktext: labels };
  });
  const objective = runs.map((run) => run.metrics[metric]?.last ?? NaN);
  return {
    type: 'parcoords',
    line: { color: objective.map((value) => (Number.isFinite(value) ? value : 0)), colorscale: 'Viridis', showscale: true },
    dimensions: [...dimensions, { label: metric, values: objective }],
  };
}

export function scatterTrace(runs: readonly Run[], param: string, metric: string): unknown {
  return {
    type: 'scatter',
    mode: 'markers+text',
    x: runs.map((run) => run.params[param] ?? null),
    y: runs.map((run) => run.metrics[metric]?.last ?? null),
    text: runs.map((run) => run.name),
    textposition: 'top center',
    marker: { size: 10, color: runs.map((_, i) => colorOf(i)) },
  };
}
