import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunId } from '../../lib/ids';
import type { Run } from '../../core/tracking/types';
import type { MetricColumns } from '../../core/tracking/metric-chunks';
import type { RunsRepository } from '../../store/runs-repo';

/**
 * Each run's history of `metric`, read from its chunks only when it changed. A run's summary of
 * the metric changes with every point stored (its count grows), so it names the data: selecting
 * one more run reads that run alone, and a running run is read again as its points arrive (the
 * runs list is live). Runs not read yet are missing from the map.
 */
export function useRunSeries(repository: RunsRepository | null, runs: readonly Run[], metric: string): ReadonlyMap<RunId, MetricColumns> {
  const cache = useRef(new Map<string, MetricColumns>());
  const [loaded, setLoaded] = useState(0);
  const versions = runs.map((run) => versionOf(run, metric));
  const wanted = versions.join('\n');

  useEffect(() => {
    if (!repository) return;
    const missing = runs.filter((_, index) => !cache.current.has(versions[index]!));
    if (missing.length === 0) return;
    let isCancelled = false;
    void Promise.all(missing.map(async (run) => [versionOf(run, metric), await repository.series(run.id, metric)] as const)).then((entries) => {
      if (isCancelled) return;
      const kept = new Set(versions);
      for (const version of cache.current.keys()) if (!kept.has(version)) cache.current.delete(version);
      for (const [version, series] of entries) cache.current.set(version, series);
      setLoaded((count) => count + 1);
    });
    return () => {
      isCancelled = true;
    };
    // `wanted` stands for runs and metric: it changes exactly when some run's data or the metric does.
  }, [repository, wanted]);

  return useMemo(() => {
    const series = new Map<RunId, MetricColumns>();
    runs.forEach((run, index) => {
      const columns = cache.current.get(versions[index]!);
      if (columns) series.set(run.id, columns);
    });
    return series;
  }, [wanted, loaded]);
}

function versionOf(run: Run, metric: string): string {
  return JSON.stringify([run.id, metric, run.metrics[metric] ?? null]);
}
