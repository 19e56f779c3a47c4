/** Registry actions that read a tracked run before writing: what the UI calls. */
import type { RunId } from '../lib/ids';
import { candidateFromRun, RegistryError, type ModelVersion } from '../core/registry';
import type { RegistryRepository } from '../store/registry-repo';
import type { RunsRepository } from '../store/runs-repo';

/** Registers the run's saved model as the next version of `name`; refuses a run without one, saying what to do. */
export async function registerRun(runs: RunsRepository, registry: RegistryRepository, runId: RunId, name: string): Promise<ModelVersion> {
  const run = await runs.get(runId);
  if (!run) throw new RegistryError('no-such-version', 'This run no longer exists (it was deleted).');
  if (!run.hasModel) {
    throw new RegistryError('not-allowed', `Run "${run.name}" saved no model to register. Autolog saves the model of every model.fit; in a custom loop call run.logModel(model) before run.end().`);
  }
  const objective = (await runs.experiments()).find((experiment) => experiment.name === run.experiment)?.objective;
  return registry.register(name, candidateFromRun(run, objective));
}
