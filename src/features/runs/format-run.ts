import type { ParamValue, Run } from '../../core/tracking/types';

/** Metric values as a table shows them: 4 significant digits; NaN and infinities spelled out. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  return typeof value === 'number' ? formatMetric(value) : String(value);
}

function runDurationMs(run: Run, now = Date.now()): number {
  return (run.endedAt ?? now) - run.startedAt;
}

export function formatDuration(run: Run): string {
  const ms = runDurationMs(run);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
