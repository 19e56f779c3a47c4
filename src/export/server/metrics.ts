/**
 * Just enough of Prometheus' text exposition format (version 0.0.4) for the server's counters,
 * gauges and histograms. Series are bound to their labels once (`series(...)`), so recording on the
 * hot path is a number increment, not a label lookup.
 */

export type Labels = Readonly<Record<string, string>>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

function renderLabels(labels: Labels, extra = ''): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  if (extra) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

abstract class Family<S> {
  private readonly bySignature = new Map<string, { labels: Labels; series: S }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  /** The series for these labels, created on first use. Keep the handle: this call builds a key. */
  series(labels: Labels = {}): S {
    const signature = renderLabels(labels);
    let entry = this.bySignature.get(signature);
    if (!entry) {
      entry = { labels, series: this.create() };
      this.bySignature.set(signature, entry);
    }
    return entry.series;
  }

  render(): string {
    let text = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const { labels, series } of this.bySignature.values()) text += this.renderSeries(labels, series);
    return text;
  }

  protected abstract create(): S;
  protected abstract renderSeries(labels: Labels, series: S): string;
}

export class CounterSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class Counter extends Family<CounterSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected renderSeries(labels: Labels, series: CounterSeries): string {
    return `${this.name}${renderLabels(labels)} ${formatNumber(series.value)}\n`;
  }
}

export class GaugeSeries {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
}

export class Gauge extends Family<GaugeSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  protected create(): GaugeSeries {
    return new GaugeSeries();
  }
  protected renderSeries(labels: Labels, series: GaugeSeries): string {
    return `${this.name}${renderLabels(labels)} ${formatNumber(series.value)}\n`;
  }
}

export class HistogramSeries {
  /** counts[i]: observations ≤ bounds[i] and > bounds[i - 1] (not cumulative until rendered). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= (bounds[index] as number)) {
        (this.counts[index] as number) += 1;
        return;
      }
    }
  }
}

export class Histogram extends Family<HistogramSeries> {
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, bounds: readonly number[]) {
    super(name, help, 'histogram');
    if (bounds.length === 0 || bounds.some((bound, index) => index > 0 && bound <= (bounds[index - 1] as number))) {
      throw new Error(`${name}: bucket bounds must be increasing, got ${bounds.join(', ')}`);
    }
    this.bounds = bounds;
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.bounds);
  }
  protected renderSeries(labels: Labels, series: HistogramSeries): string {
    let text = '';
    let cumulative = 0;
    this.bounds.forEach((bound, index) => {
      cumulative += series.counts[index] as number;
      text += `${this.name}_bucket${renderLabels(labels, `le="${formatNumber(bound)}"`)} ${cumulative}\n`;
    });
    text += `${this.name}_bucket${renderLabels(labels, 'le="+Inf"')} ${series.count}\n`;
    text += `${this.name}_sum${renderLabels(labels)} ${formatNumber(series.sum)}\n`;
    text += `${this.name}_count${renderLabels(labels)} ${series.count}\n`;
    return text;
  }
}

export type MetricFamily = Counter | Gauge | Histogram;

export function renderFamilies(families: readonly MetricFamily[]): string {
  return families.map((family) => family.render()).join('');
}
