import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, renderFamilies } from './metrics';

describe('Prometheus text rendering', () => {
  it('renders counters with HELP, TYPE and one line per label set', () => {
    const requests = new Counter('requests_total', 'Requests answered.');
    requests.series({ route: 'infer', status: '200' }).inc();
    requests.series({ route: 'infer', status: '200' }).inc(2);
    requests.series({ route: 'infer', status: '400' }).inc();
    expect(requests.render()).toBe(
      '# HELP requests_total Requests answered.\n# TYPE requests_total counter\nrequests_total{route="infer",status="200"} 3\nrequests_total{route="infer",status="400"} 1\n',
    );
  });

  it('escapes label values and help text', () => {
    const psi = new Gauge('psi', 'Shift \\ drift\nper feature.');
    psi.series({ feature: 'weird "name"\\\n' }).set(0.5);
    expect(psi.render()).toBe('# HELP psi Shift \\\\ drift\\nper feature.\n# TYPE psi gauge\npsi{feature="weird \\"name\\"\\\\\\n"} 0.5\n');
  });

  it('renders gauges without labels, and NaN and infinities the way Prometheus spells them', () => {
    const gauge = new Gauge('value', 'A value.');
    const series = gauge.series();
    series.set(Number.NaN);
    expect(gauge.render()).toContain('\nvalue NaN\n');
    series.set(-Infinity);
    expect(gauge.render()).toContain('\nvalue -Inf\n');
  });

  it('renders histograms as cumulative buckets with +Inf, sum and count', () => {
    const latency = new Histogram('latency_seconds', 'Latency.', [0.01, 0.1, 1]);
    const series = latency.series({ route: 'infer' });
    for (const seconds of [0.005, 0.01, 0.05, 0.5, 3]) series.observe(seconds);
    expect(latency.render()).toBe(
      [
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="infer",le="0.01"} 2',
        'latency_seconds_bucket{route="infer",le="0.1"} 3',
        'latency_seconds_bucket{route="infer",le="1"} 4',
        'latency_seconds_bucket{route="infer",le="+Inf"} 5',
        'latency_seconds_sum{route="infer"} 3.565',
        'latency_seconds_count{route="infer"} 5',
        '',
      ].join('\n'),
    );
  });

  it('refuses bucket bounds that do not increase', () => {
    expect(() => new Histogram('h', 'H.', [1, 1])).toThrow('bucket bounds must be increasing');
  });

  it('renders families in the order given, a family without series as its header alone', () => {
    const first = new Counter('first_total', 'First.');
    const second = new Gauge('second', 'Second.');
    second.series().set(1);
    expect(renderFamilies([first, second])).toBe('# HELP first_total First.\n# TYPE first_total counter\n# HELP second Second.\n# TYPE second gauge\nsecond 1\n');
  });
});
