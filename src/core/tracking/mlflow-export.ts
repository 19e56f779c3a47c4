/**
 * Runs in MLflow's file-store layout (what `mlflow.set_tracking_uri("file:./mlruns")` writes), so
 * `mlflow ui --backend-store-uri ./mlruns` and MlflowClient can open Kiln's runs:
 *
 *   mlruns/<experiment id>/meta.yaml          experiment: name, ids, times, artifact location
 *   mlruns/<experiment id>/<run id>/meta.yaml run: status, times, name...
 *     params/<key>                            the value as text, no line break
 *     metrics/<key>                           one `timestamp value step` line per point
 *     tags/<key>                              mlflow.runName, mlflow.source.name, mlflow.parentRunId,
 *                                             mlflow.note.content (the notes), then the user's tags
 *
 * Experiment "0" is MLflow's Default (Kiln's own experiment named "Default" goes there); Kiln's
 * other experiments are numbered from 1 in creation order. Keys MLflow would reject are renamed
 * (see ./mlflow-keys.ts) and every rename is reported. The result is a map of path → file text;
 * zipping it is the caller's job.
 */
import type { RunId } from '../../lib/ids';
import { assignMlflowKeys } from './mlflow-keys';
import { pythonFloat, yamlMapping } from './mlflow-text';
import type { Experiment, MetricPoint, ParamValue, Run, RunStatus } from './types';

/** MLflow's RunStatus codes as its file store writes them in meta.yaml. */
export const MLFLOW_RUN_STATUS = { running: 1, finished: 3, failed: 4, interrupted: 5 } as const satisfies Record<RunStatus, number>;
/** SourceType.LOCAL, what MLflow's file store writes for every run. */
const SOURCE_TYPE_LOCAL = 4;
const ROOT = 'mlruns';
const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const;

export type MlflowExportInput = {
  readonly experiments: readonly Experiment[];
  readonly runs: readonly Run[];
  readonly points: readonly MetricPoint[];
};

export type MlflowExportOptions = {
  /**
   * Where MLflow should look for artifacts, written into every meta.yaml. MLflow itself writes an
   * absolute file: URI, which a browser cannot know; the relative default resolves when `mlflow ui`
   * runs in the folder that holds mlruns/.
   */
  readonly artifactRoot?: string;
};

export type MlflowKeyRename = { readonly runId: RunId; readonly kind: 'param' | 'metric' | 'tag'; readonly from: string; readonly to: string };

export type MlflowExport = {
  /** Path (starting with "mlruns/") → file text. */
  readonly files: Map<string, string>;
  /** Kiln experiment name → MLflow experiment id. */
  readonly experimentIds: Map<string, string>;
  readonly renamedKeys: readonly MlflowKeyRename[];
};

type MlflowExperiment = { readonly id: string; readonly name: string; readonly createdAt: number };

/** Every experiment the runs belong to, declared or not (an undeclared one was created with its first run). */
function numberExperiments(experiments: readonly Experiment[], runs: readonly Run[]): MlflowExperiment[] {
  const created = new Map(experiments.map((experiment) => [experiment.name, experiment.createdAt]));
  for (const run of runs) created.set(run.experiment, Math.min(created.get(run.experiment) ?? Number.POSITIVE_INFINITY, run.startedAt));
  const kiln = [...created]
    .filter(([name]) => name !== DEFAULT_EXPERIMENT.name)
    .sort(([nameA, timeA], [nameB, timeB]) => timeA - timeB || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0))
    .map(([name, createdAt], index) => ({ id: String(index + 1), name, createdAt }));
  const earliest = Math.min(...created.values());
  const defaultCreatedAt = created.get(DEFAULT_EXPERIMENT.name) ?? (Number.isFinite(earliest) ? earliest : 0);
  return [{ ...DEFAULT_EXPERIMENT, createdAt: defaultCreatedAt }, ...kiln];
}

function paramText(value: ParamValue): string {
  return value === null ? '' : String(value);
}

/** Metric lines per run and key, in logging order; MLflow's steps and timestamps are integers. */
function metricLines(points: readonly MetricPoint[]): Map<string, Map<string, string[]>> {
  const byRun = new Map<string, Map<string, string[]>>();
  for (const point of points) {
    let byKey = byRun.get(point.runId);
    if (byKey === undefined) byRun.set(point.runId, (byKey = new Map()));
    let lines = byKey.get(point.key);
    if (lines === undefined) byKey.set(point.key, (lines = []));
    lines.push(`${Math.round(point.timestamp)} ${pythonFloat(point.value)} ${Math.round(point.step)}\n`);
  }
  return byRun;
}

function systemTags(run: Run): Record<string, string> {
  return {
    'mlflow.runName': run.name,
    'mlflow.source.name': run.reproducibility?.notebookName ?? 'Kiln',
    ...(run.parentId === null ? {} : { 'mlflow.parentRunId': run.parentId }),
    ...(run.notes === '' ? {} : { 'mlflow.note.content': run.notes }),
  };
}

type RunFiles = { readonly files: [string, string][]; readonly renamed: MlflowKeyRename[] };

function runFiles(run: Run, experimentId: string, artifactRoot: string, metrics: ReadonlyMap<string, string[]>): RunFiles {
  const directory = `${ROOT}/${experimentId}/${run.id}`;
  const renamed: MlflowKeyRename[] = [];
  const files: [string, string][] = [];
  const endTime = run.endedAt === null ? null : Math.round(run.endedAt);
  const meta = yamlMapping({
    artifact_uri: `${artifactRoot}/${experimentId}/${run.id}/artifacts`,
    end_time: endTime,
    entry_point_name: '',
    experiment_id: experimentId,
    lifecycle_stage: 'active',
    run_id: run.id,
    run_name: run.name,
    run_uuid: run.id,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: Math.round(run.startedAt),
    status: MLFLOW_RUN_STATUS[run.status],
    tags: [],
    user_id: '',
  });
  files.push([`${directory}/meta.yaml`, meta]);

  const addGroup = (kind: MlflowKeyRename['kind'], folder: string, texts: ReadonlyMap<string, string>, reserved: readonly string[] = []): void => {
    const paths = assignMlflowKeys([...texts.keys()], reserved);
    const entries = [...texts].map(([key, text]) => [paths.get(key)!, key, text] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [path, key, text] of entries) {
      files.push([`${directory}/${folder}/${path}`, text]);
      if (path !== key) renamed.push({ runId: run.id, kind, from: key, to: path });
    }
  };

  addGroup('param', 'params', new Map(Object.entries(run.params).map(([key, value]) => [key, paramText(value)])));
  const metricTexts = new Map([...metrics].map(([key, lines]) => [key, lines.join('')]));
  for (const [key, summary] of Object.entries(run.metrics)) {
    // A summary without its points (they were not exported) still shows in MLflow as one point.
    if (!metricTexts.has(key)) metricTexts.set(key, `${Math.round(run.endedAt ?? run.startedAt)} ${pythonFloat(summary.last)} ${Math.round(summary.lastStep)}\n`);
  }
  addGroup('metric', 'metrics', metricTexts);
  const system = systemTags(run);
  for (const [key, value] of Object.entries(system)) files.push([`${directory}/tags/${key}`, value]);
  addGroup('tag', 'tags', new Map(Object.entries(run.tags)), Object.keys(system));
  return { files, renamed };
}

export function toMlflowFileStore(input: MlflowExportInput, options: MlflowExportOptions = {}): MlflowExport {
  const artifactRoot = options.artifactRoot ?? ROOT;
  const experiments = numberExperiments(input.experiments, input.runs);
  const experimentIds = new Map(experiments.map((experiment) => [experiment.name, experiment.id]));
  const files = new Map<string, string>();
  for (const experiment of experiments) {
    files.set(
      `${ROOT}/${experiment.id}/meta.yaml`,
      yamlMapping({
        artifact_location: `${artifactRoot}/${experiment.id}`,
        creation_time: Math.round(experiment.createdAt),
        experiment_id: experiment.id,
        last_update_time: Math.round(experiment.createdAt),
        lifecycle_stage: 'active',
        name: experiment.name,
      }),
    );
  }
  const lines = metricLines(input.points);
  const renamedKeys: MlflowKeyRename[] = [];
  for (const run of input.runs) {
    const result = runFiles(run, experimentIds.get(run.experiment)!, artifactRoot, lines.get(run.id) ?? new Map());
    for (const [path, text] of result.files) files.set(path, text);
    renamedKeys.push(...result.renamed);
  }
  return { files, experimentIds, renamedKeys };
}
