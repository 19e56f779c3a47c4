/** What a tracked run contributes to a registered version: params, last metrics, objective, data. */
import { objectiveValue } from '../tracking/objective';
import type { Objective, Run } from '../tracking/types';
import type { VersionCandidate } from './types';

export function candidateFromRun(run: Run, objective: Objective | undefined): VersionCandidate {
  return {
    runId: run.id,
    runName: run.name,
    experiment: run.experiment,
    params: run.params,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, summary]) => [key, summary.last])),
    objective: objective ? { ...objective, value: objectiveValue(run, objective) } : null,
    dataFingerprints: Object.fromEntries((run.reproducibility?.datasets ?? []).map((data) => [data.name, data.sha256])),
  };
}
