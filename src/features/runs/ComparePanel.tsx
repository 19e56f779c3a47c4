import { useMemo, useState } from 'react';
import type { Objective, Run } from '../../core/tracking/types';
import { useServices } from '../../app/services';
import { Chart } from '../../components/Chart';
import { formatMetric, formatParam } from './format-run';
import { curveTraces, parallelCoordinates, scatterTrace, type XAxis } from './compare-charts';
import { useRunSeries } from './useRunSeries';
import { RunRegistryActions } from '../registry/RunRegistryActions';
import { RunNotes } from './RunNotes';

type Props = { runs: readonly Run[]; objective: Objective | undefined; onClear(): void };

/** Compare selected runs: overlaid curves, the params that differ, parallel coordinates, a scatter, and their records. */
export function ComparePanel({ runs, objective, onClear }: Props) {
  const { runs: repository, workspace } = useServices();
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort(), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort(), [runs]);
  const [metric, setMetric] = useState<string>(objective?.metric ?? metricKeys.find((key) => key === 'val_loss') ?? metricKeys[0] ?? '');
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const [smoothing, setSmoothing] = useState(0);
  const [isLog, setIsLog] = useState(false);
  const [scatterParam, setScatterParam] = useState(paramKeys.find((key) => key === 'learning_rate') ?? paramKeys[0] ?? '');
  const shownMetric = metricKeys.includes(metric) ? metric : (metricKeys[0] ?? '');
  // Only the shown metric, one range read over its chunks per run whose data changed.
  const series = useRunSeries(repository, runs, shownMetric);

  const curves = useMemo(() => curveTraces(runs, series, { xAxis, smoothing, widthPx: 900 }), [runs, series, xAxis, smoothing]);
  const differing = paramKeys.filter((key) => new Set(runs.map((run) => JSON.stringify(run.params[key] ?? null))).size > 1);
  const sameParams = paramKeys.filter((key) => !differing.includes(key));
  const parcoords = useMemo(() => parallelCoordinates(runs, differing, objective?.metric ?? shownMetric), [runs, differing.join(','), objective, shownMetric]);

  return (
    <section className="compare-panel" data-testid="compare-panel" aria-label="Compare runs">
      <header className="compare-header">
        <h2>Comparing {runs.length} run{runs.length === 1 ? '' : 's'}</h2>
        <button type="button" className="button" onClick={onClear}>Clear selection</button>
      </header>
      <div className="compare-controls">
        <label>
          Metric{' '}
          <select value={shownMetric} onChange={(event) => setMetric(event.target.value)} data-testid="compare-metric">
            {metricKeys.map((key) => (
              <option key={key}>{key}</option>
            ))}
          </select>
        </label>
        <label>
          x axis{' '}
          <select value={xAxis} onChange={(event) => setXAxis(event.target.value as XAxis)} data-testid="compare-x-axis">
            <option value="step">step / epoch</option>
            <option value="relative-time">time since start</option>
            <option value="wall-time">wall time</option>
          </select>
        </label>
        <label>
          Smoothing{' '}
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(event) => setSmoothing(Number(event.target.value))} data-testid="compare-smoothing" /> {smoothing.toFixed(2)}
        </label>
        <label>
          <input type="checkbox" checked={isLog} onChange={(event) => setIsLog(event.target.checked)} /> log scale
        </label>
      </div>
      <div className="compare-chart" data-testid="compare-curves">
        <Chart
          data={curves.traces}
          layout={{
            xaxis: { title: { text: xAxis === 'step' ? 'step' : xAxis === 'relative-time' ? 'seconds since start' : 'time' }, ...(xAxis === 'wall-time' ? { type: 'date' } : {}) },
            yaxis: { title: { text: shownMetric }, type: isLog ? 'log' : 'linear' },
            legend: { orientation: 'h' },
          }}
          height={340}
        />
        {curves.nonFinite > 0 && <p className="chart-note">{curves.nonFinite} NaN/infinite value{curves.nonFinite === 1 ? ' is' : 's are'} marked with ✕ at the chart's edge.</p>}
      </div>

      <h3>Params</h3>
      <table className="params-diff" data-testid="params-diff">
        <thead>
          <tr>
            <th>param</th>
            {runs.map((run) => (
              <th key={run.id}>{run.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...differing, ...sameParams].map((key) => (
            <tr key={key} className={differing.includes(key) ? 'differs' : 'same'} data-testid={differing.includes(key) ? 'param-differs' : 'param-same'}>
              <th>{key}</th>
              {runs.map((run) => (
                <td key={run.id}>{formatParam(run.params[key])}</td>
              ))}
            </tr>
          ))}
          {metricKeys.map((key) => (
            <tr key={`metric-${key}`} className="metric-row">
              <th>{key} (last)</th>
              {runs.map((run) => (
                <td key={run.id}>{formatMetric(run.metrics[key]?.last)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>

      {runs.length >= 2 && differing.length > 0 && (
        <div className="compare-grid">
          <div>
            <h3>Params → {objective?.metric ?? shownMetric}</h3>
            <Chart data={[parcoords]} layout={{ margin: { l: 60, r: 60, t: 40, b: 20 } }} height={300} />
          </div>
          <div>
            <h3>
              <select aria-label="Scatter param" value={scatterParam} onChange={(event) => setScatterParam(event.target.value)}>
                {paramKeys.map((key) => (
                  <option key={key}>{key}</option>
                ))}
              </select>{' '}
              vs {shownMetric}
            </h3>
            <Chart data={[scatterTrace(runs, scatterParam, shownMetric)]} layout={{ xaxis: { title: { text: scatterParam } }, yaxis: { title: { text: shownMetric } } }} height={300} />
          </div>
        </div>
      )}

      <h3>Records</h3>
      <div className="run-records">
        {runs.map((run) => (
          <article key={run.id} className="run-record" data-testid="run-record">
            <h4>{run.name}</h4>
            <dl>
              <dt>Status</dt>
              <dd>{run.status}{run.problems.length > 0 ? ` — ${run.problems.join('; ')}` : ''}</dd>
              <dt>Notebook</dt>
              <dd>{run.reproducibility?.notebookName ?? '—'} (revision {run.reproducibility?.notebookRevision ?? '—'})</dd>
              <dt>Data</dt>
              <dd>{run.reproducibility?.datasets.map((data) => `${data.name} ${data.rows}×${data.columns} sha256:${data.sha256.slice(0, 12)}`).join(', ') || 'none loaded with data.load'}</dd>
              <dt>tfjs</dt>
              <dd>{run.reproducibility ? `${run.reproducibility.tfjsVersion} on ${run.reproducibility.backend}` : '—'}</dd>
              <dt>Code</dt>
              <dd>{run.reproducibility?.code.length ?? 0} cells executed before it</dd>
              <dt>Model</dt>
              <dd>{run.hasModel ? 'saved' : 'none'}</dd>
            </dl>
            <RunNotes run={run} />
            <button type="button" className="button" data-testid="open-run-code" disabled={!run.reproducibility} onClick={() => void workspace.openRunCode(run)}>
              Open code of this run
            </button>
            <RunRegistryActions run={run} />
          </article>
        ))}
      </div>
    </section>
  );
}
