import type { DisplayBundle } from '../../../core/outputs';

type Progress = Extract<DisplayBundle, { kind: 'progress' }>;

const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
};

/** Live training progress: a bar with ETA and small per-metric curves, drawn as SVG (cheap to update every epoch). */
export function TrainingProgress({ progress }: { progress: Progress }) {
  const totalBatches = Math.max(1, progress.epochs * Math.max(1, progress.batchesPerEpoch));
  const doneBatches = Math.min(totalBatches, (progress.epoch - 1) * progress.batchesPerEpoch + progress.batch);
  const fraction = progress.state === 'done' ? 1 : doneBatches / totalBatches;
  const etaMs = fraction > 0 && progress.state === 'running' ? (progress.elapsedMs / fraction) * (1 - fraction) : 0;
  const latest = Object.entries(progress.history).map(([name, values]) => [name, values[values.length - 1]] as const);
  return (
    <div className="training-progress" data-testid="training-progress" data-state={progress.state}>
      <div className="progress-line">
        <span className="progress-label">{progress.label}</span>
        <span>
          epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batchesPerEpoch}
        </span>
        <span>{formatDuration(progress.elapsedMs)}{progress.state === 'running' ? ` · ETA ${formatDuration(etaMs)}` : ` · ${progress.state}`}</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="progress-metrics">
        {latest.map(([name, value]) => (
          <div key={name} className="metric-spark">
            <span>{name} {value === undefined ? '—' : formatMetric(value)}</span>
            <Sparkline values={progress.history[name] ?? []} />
          </div>
        ))}
      </div>
    </div>
  );
}

const formatMetric = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

function Sparkline({ values }: { values: readonly number[] }) {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return <svg className="sparkline" width={120} height={28} />;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const points = values
    .map((value, step) => (Number.isFinite(value) ? `${(step / (values.length - 1)) * 118 + 1},${27 - ((value - min) / span) * 26}` : null))
    .filter((point) => point !== null)
    .join(' ');
  return (
    <svg className="sparkline" width={120} height={28} viewBox="0 0 120 28">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
