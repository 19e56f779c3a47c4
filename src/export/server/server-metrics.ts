/** The server's metrics, as GET /metrics renders them for Prometheus. */
import { DriftMonitor, DRIFT_THRESHOLDS, type RawRow } from '../../preprocess';
import { Counter, Gauge, Histogram, renderFamilies, type CounterSeries, type HistogramSeries } from './metrics';
import type { Role, ServingVersion } from './serving';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];
const DRIFT_LEVEL_VALUE = { none: 0, moderate: 1, significant: 2 } as const;

/** Counts and latency of one route, bound once so recording a request allocates nothing. */
export class RouteStats {
  private readonly byStatus = new Map<number, CounterSeries>();
  private readonly latency: HistogramSeries;

  constructor(
    private readonly route: string,
    private readonly metrics: ServerMetrics,
  ) {
    this.latency = metrics.latency.series({ route });
  }

  record(status: number, seconds: number): void {
    let counter = this.byStatus.get(status);
    if (!counter) {
      counter = this.metrics.requests.series({ route: this.route, status: String(status) });
      this.byStatus.set(status, counter);
    }
    counter.inc();
    this.latency.observe(seconds);
  }
}

export class ServerMetrics {
  readonly requests = new Counter('kiln_http_requests_total', 'HTTP requests answered, by route and status code.');
  readonly latency = new Histogram('kiln_http_request_duration_seconds', 'Seconds from the first byte of a request to its response, by route.', LATENCY_BUCKETS);
  private readonly batchRows = new Histogram('kiln_batch_rows', 'Rows per model call: concurrent requests are coalesced into one call.', BATCH_BUCKETS);
  private readonly predictedRows = new Counter('kiln_predicted_rows_total', 'Rows predicted, by model version and role (production, or fallback when production failed).');
  private readonly failures = new Counter('kiln_model_failures_total', 'Model versions that failed, by version and stage (load: refused at start-up; predict: threw or answered NaN).');
  private readonly loaded = new Gauge('kiln_model_loaded', '1 when the version loaded and passed its test vectors, 0 when it failed, by version and role.');
  private readonly servedVersion = new Gauge('kiln_model_serving_version', 'The version that answered the latest batch.');
  private readonly fallbackActive = new Gauge('kiln_model_fallback_active', '1 when the latest batch was answered by the fallback version instead of production.');
  private readonly driftPsi = new Gauge('kiln_feature_drift_psi', `Population stability index of each raw feature over the recent input window against the training data (moderate from ${DRIFT_THRESHOLDS.moderate}, significant from ${DRIFT_THRESHOLDS.significant}).`);
  private readonly driftLevel = new Gauge('kiln_feature_drift_level', 'Drift level of each raw feature: 0 none, 1 moderate, 2 significant.');
  private readonly drifted = new Gauge('kiln_drift_detected', '1 when some feature drifts significantly and the window holds enough rows to say so.');
  private readonly driftWindow = new Gauge('kiln_drift_window_rows', 'Input rows in the drift window.');
  private readonly queuedRows = new Gauge('kiln_queue_rows', 'Rows waiting for the model.');

  private readonly predictedBy = new Map<ServingVersion, CounterSeries>();
  private drift: DriftMonitor | null = null;

  route(name: string): RouteStats {
    return new RouteStats(name, this);
  }

  modelLoaded(version: number, role: Role, isLoaded: boolean): void {
    this.loaded.series({ version: String(version), role }).set(isLoaded ? 1 : 0);
    if (!isLoaded) this.failures.series({ version: String(version), stage: 'load' }).inc();
  }

  predictFailed(version: ServingVersion): void {
    this.failures.series({ version: String(version.version), stage: 'predict' }).inc();
  }

  /** Drift is measured against the reference of the version that serves. */
  watchDrift(reference: ServingVersion['reference'], windowRows: number): void {
    this.drift = new DriftMonitor(reference, { windowSize: windowRows });
  }

  predicted(served: ServingVersion, role: Role, rows: readonly RawRow[]): void {
    this.batchRows.series().observe(rows.length);
    let counter = this.predictedBy.get(served);
    if (!counter) {
      counter = this.predictedRows.series({ version: String(served.version), role });
      this.predictedBy.set(served, counter);
    }
    counter.inc(rows.length);
    this.servedVersion.series().set(served.version);
    this.fallbackActive.series().set(role === 'fallback' ? 1 : 0);
    this.drift?.observe(rows);
  }

  render(waitingRows: number): string {
    this.queuedRows.series().set(waitingRows);
    if (this.drift) {
      const report = this.drift.report();
      this.driftWindow.series().set(report.rowsInWindow);
      this.drifted.series().set(report.drifted ? 1 : 0);
      for (const feature of report.features) {
        this.driftPsi.series({ feature: feature.name }).set(feature.psi);
        this.driftLevel.series({ feature: feature.name }).set(DRIFT_LEVEL_VALUE[feature.level]);
      }
    }
    return renderFamilies([
      this.requests,
      this.latency,
      this.batchRows,
      this.predictedRows,
      this.failures,
      this.loaded,
      this.servedVersion,
      this.fallbackActive,
      this.queuedRows,
      this.driftWindow,
      this.drifted,
      this.driftPsi,
      this.driftLevel,
    ]);
  }
}
