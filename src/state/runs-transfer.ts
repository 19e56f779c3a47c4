/**
 * Runs leave Kiln as CSV (one row per run) or as Kiln's JSON (runs, experiments and every metric
 * point), and come back from that JSON all or nothing: a malformed file is refused with the path
 * of the bad field, and nothing is written.
 */
import type { Run } from '../core/tracking/types';
import { runsToCsv } from '../core/tracking/runs-csv';
import { parseRunsExport, serializeRunsExport } from '../core/tracking/runs-json';
import { errorMessage } from '../core/errors';
import type { RunsRepository } from '../store/runs-repo';
import { showToast } from './app-store';
import { downloadFile } from './download';
import { toMlflowFileStore } from '../core/tracking/mlflow-export';
import { zipFiles } from './artifact-export';
import { createStore } from './create-store';

/**
 * How far the MLflow export has got (0 to 1), or null when none runs. It outlives the Runs view,
 * which shows it on its button: leaving the view and coming back must not allow a second export.
 */
export const mlflowExport = createStore<{ progress: number | null }>({ progress: null });

export function exportRunsCsv(runs: readonly Run[]): void {
  downloadFile('kiln-runs.csv', runsToCsv(runs), 'text/csv');
}

export async function exportRunsJson(repository: RunsRepository, runs: readonly Run[]): Promise<void> {
  const [experiments, points] = await Promise.all([repository.experiments(), repository.points(runs.map((run) => run.id))]);
  const names = new Set(runs.map((run) => run.experiment));
  const document = { experiments: experiments.filter((experiment) => names.has(experiment.name)), runs, points };
  downloadFile('kiln-runs.json', serializeRunsExport(document), 'application/json');
}

export async function importRunsJson(repository: RunsRepository, file: File): Promise<void> {
  const parsed = parseRunsExport(await file.text());
  if (!parsed.ok) {
    showToast({ tone: 'error', message: `Could not import ${file.name}: ${parsed.error.message}. Nothing was imported.` }, 12_000);
    return;
  }
  const { runs, points, experiments } = parsed.value;
  try {
    await repository.restore({ runs: [...runs], points: [...points], artifacts: [] }, experiments);
    showToast({ tone: 'info', message: `Imported ${runs.length} run${runs.length === 1 ? '' : 's'} from ${file.name}` });
  } catch (error) {
    showToast({ tone: 'error', message: `Could not import ${file.name}: ${errorMessage(error)}. Nothing was imported.` }, 12_000);
  }
}

/**
 * The runs shown as MLflow's file store (`mlruns/`, see core/tracking/mlflow-export.ts) in a zip:
 * unzip it and run `mlflow ui --backend-store-uri ./mlruns`. Keys MLflow would refuse are renamed,
 * and the toast says which. Progress (reading the points, then zipping, which yields to the page
 * as it goes) is in `mlflowExport`; a second call while one runs does nothing.
 */
export async function exportRunsMlflowZip(repository: RunsRepository, runs: readonly Run[]): Promise<void> {
  if (mlflowExport.get().progress !== null) return;
  const onProgress = (fraction: number) => mlflowExport.set({ progress: fraction });
  try {
    onProgress(0);
    const [experiments, points] = await Promise.all([repository.experiments(), repository.points(runs.map((run) => run.id))]);
    onProgress(MLFLOW_READ_SHARE);
    const { files, renamedKeys } = toMlflowFileStore({ experiments, runs, points });
    const zip = await zipFiles(files, (fraction) => onProgress(MLFLOW_READ_SHARE + (1 - MLFLOW_READ_SHARE) * fraction));
    onProgress(1);
    downloadFile('kiln-mlruns.zip', zip, 'application/zip');
    if (renamedKeys.length > 0) {
      const examples = renamedKeys.slice(0, 3).map((rename) => `${rename.from} → ${rename.to}`).join(', ');
      showToast({ tone: 'info', message: `${renamedKeys.length} key${renamedKeys.length === 1 ? '' : 's'} renamed for MLflow: ${examples}${renamedKeys.length > 3 ? '…' : ''}` }, 12_000);
    }
  } catch (error) {
    showToast({ tone: 'error', message: `Could not export the runs for MLflow: ${errorMessage(error)}` }, 12_000);
  } finally {
    mlflowExport.set({ progress: null });
  }
}

/** The part of an MLflow export's progress that reading the runs' points stands for. */
const MLFLOW_READ_SHARE = 0.3;
