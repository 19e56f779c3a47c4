/**
 * Plotly traces for the compare view. Long histories are downsampled per pixel bucket so curves
 * keep their true shape (spikes included); NaN and infinite values are drawn as markers at the
 * plot's edge instead of breaking the line.
 */
import type { MetricPoint, Run } from '../../core/tracking/types';
import { downsampleMinMax, smoothEma } from '../../core/tracking/series';

export type XAxis = 'step' | 'relative-time' | 'wall-time';

const PALETTE = ['#c2410c', '#2563eb', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#4b5563', '#dc2626', '#65a30d'];

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#4b5563';
}

export function curveTraces(
  runs: readonly Run[],
  points: readonly MetricPoint[],
  metric: string,
  options: { xAxis: XAxis; smoothing: number; widthPx: number },
): { traces: unknown[]; nonFinite: number } {
  const byRun = new Map<string, MetricPoint[]>();
  for (const point of points) if (point.key === metric) (byRun.get(point.runId) ?? byRun.set(point.runId, []).get(point.runId)!).push(point);
  const traces: unknown[] = [];
  let nonFinite = 0;
  runs.forEach((run, index) => {
    const series = (byRun.get(run.id) ?? []).sort((a, b) => a.step - b.step);
    const x = (point: MetricPoint): number => (options.xAxis === 'step' ? point.step : options.xAxis === 'relative-time' ? (point.timestamp - run.startedAt) / 1000 : point.timestamp);
    const finite = series.filter((point) => Number.isFinite(point.value));
    const odd = series.filter((point) => !Number.isFinite(point.value));
    nonFinite += odd.length;
    const smoothed = smoothEma(finite.map((point) => point.value), options.smoothing);
    const shown = downsampleMinMax(finite.map((point, i) => ({ x: x(point), y: smoothed[i] ?? point.value })), options.widthPx);
    const color = colorOf(index);
    traces.push({ type: 'scattergl', mode: shown.length > 60 ? 'lines' : 'lines+markers', name: run.name, x: shown.map((p) => p.x), y: shown.map((p) => p.y), line: { color, width: 2 }, marker: { size: 4 } });
    if (odd.length > 0) {
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: `${run.name}: NaN/∞`,
        x: odd.map(x),
        y: odd.map(() => 1),
        yaxis: 'y',
        yref: 'paper',
        marker: { symbol: 'x', size: 9, color },
        text: odd.map((point) => String(point.value)),
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
