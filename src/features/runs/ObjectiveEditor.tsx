import { useState } from 'react';
import type { Objective, Run } from '../../core/tracking/types';
import { useServices } from '../../app/services';
import { guessDirection } from '../../core/tracking/objective';

/** Declares (or changes) the experiment's objective: the metric that decides which run is best. */
export function ObjectiveEditor({ experiment, objective, runs }: { experiment: string; objective: Objective | undefined; runs: readonly Run[] }) {
  const { runs: repository } = useServices();
  const [isEditing, setIsEditing] = useState(false);
  const metrics = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort();
  const [metric, setMetric] = useState(objective?.metric ?? metrics[0] ?? '');
  const [direction, setDirection] = useState<Objective['direction']>(objective?.direction ?? guessDirection(metric));
  const [threshold, setThreshold] = useState(objective?.threshold?.toString() ?? '');

  if (!isEditing) {
    return (
      <button type="button" className="button objective" data-testid="edit-objective" onClick={() => setIsEditing(true)} title="The metric that decides which run is best">
        {objective ? `Objective: ${objective.direction} ${objective.metric}${objective.threshold !== undefined ? ` (target ${objective.threshold})` : ''}` : 'Set objective…'}
      </button>
    );
  }
  const save = () => {
    const target = threshold.trim() === '' ? undefined : Number(threshold);
    if (target !== undefined && !Number.isFinite(target)) return;
    void repository?.apply([{ kind: 'objective', experiment, objective: { metric, direction, ...(target === undefined ? {} : { threshold: target }) } }]);
    setIsEditing(false);
  };
  return (
    <form className="objective-form" data-testid="objective-form" onSubmit={(event) => (event.preventDefault(), save())}>
      <select aria-label="Direction" value={direction} onChange={(event) => setDirection(event.target.value as Objective['direction'])}>
        <option value="max">maximise</option>
        <option value="min">minimise</option>
      </select>
      <select aria-label="Objective metric" value={metric} onChange={(event) => (setMetric(event.target.value), setDirection(guessDirection(event.target.value)))}>
        {metrics.map((key) => (
          <option key={key} value={key}>{key}</option>
        ))}
      </select>
      <input aria-label="Target (optional)" placeholder="target (optional)" inputMode="decimal" value={threshold} onChange={(event) => setThreshold(event.target.value)} size={10} aria-invalid={threshold.trim() !== '' && !Number.isFinite(Number(threshold))} />
      <button type="submit" className="button primary" disabled={metric === ''}>Save</button>
      <button type="button" className="button" onClick={() => setIsEditing(false)}>Cancel</button>
    </form>
  );
}
