/**
 * Kiln's lossless runs format: `{ format: 'kiln-runs', version: 1, experiments, runs, metrics }`,
 * where `metrics` holds every logged point. Importing it back gives the same records.
 *
 * JSON has no NaN or Infinity, and a diverged loss is exactly what a user wants to keep, so:
 * number-only fields (a point's value, a summary's last/min/max) hold them as the strings "NaN",
 * "Infinity" and "-Infinity"; a param, which may legitimately be the string "NaN", holds a
 * non-finite number as `{"$kiln": "NaN"}` (the marker Kiln's .ipynb files use).
 *
 * A file is untrusted: `parseRunsExport` checks all of it before returning anything, so an import
 * is all or nothing, and its error names the JSON path of the first bad value.
 */
import type { RunId } from '../../lib/ids';
import { indexPath, keyPath } from '../ipynb/path';
import { describe, isRecord } from '../ipynb/read';
import { SPECIAL_KEY } from '../ipynb/specialValues';
import { RUN_SOURCES, RUN_STATUSES } from './record-values';
import type { DatasetFingerprint, Experiment, MetricPoint, MetricSummary, Objective, Params, ParamValue, Reproducibility, Run } from './types';

export const RUNS_FORMAT = 'kiln-runs';
export const RUNS_FORMAT_VERSION = 1;

export type RunsDocument = {
  readonly experiments: readonly Experiment[];
  readonly runs: readonly Run[];
  readonly points: readonly MetricPoint[];
};

export type RunsImportError = {
  /** Names the path and the problem, e.g. `runs[3].params.lr: expected a string, number, boolean or null, got an array`. */
  readonly message: string;
  /** JSON path of the bad value; '' for the whole file. */
  readonly path: string;
};

export type RunsImportResult = { readonly ok: true; readonly value: RunsDocument } | { readonly ok: false; readonly error: RunsImportError };

// ---------------------------------------------------------------------------------------------
// Writing

type SpecialNumberText = 'NaN' | 'Infinity' | '-Infinity';

function specialNumberText(value: number): SpecialNumberText | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return null;
}

const encodeNumber = (value: number): number | SpecialNumberText => specialNumberText(value) ?? value;

function encodeParam(value: ParamValue): unknown {
  const special = typeof value === 'number' ? specialNumberText(value) : null;
  return special === null ? value : { [SPECIAL_KEY]: special };
}

function encodeRun(run: Run): unknown {
  return {
    ...run,
    params: Object.fromEntries(Object.entries(run.params).map(([key, value]) => [key, encodeParam(value)])),
    metrics: Object.fromEntries(
      Object.entries(run.metrics).map(([key, summary]) => [key, { ...summary, last: encodeNumber(summary.last), min: encodeNumber(summary.min), max: encodeNumber(summary.max) }]),
    ),
  };
}

export function serializeRunsExport(document: RunsDocument): string {
  return JSON.stringify({
    format: RUNS_FORMAT,
    version: RUNS_FORMAT_VERSION,
    experiments: document.experiments,
    runs: document.runs.map(encodeRun),
    metrics: document.points.map((point) => ({ runId: point.runId, key: point.key, step: point.step, value: encodeNumber(point.value), timestamp: point.timestamp })),
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

class RunsImportFailure extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path === '' ? 'file' : path}: ${problem}`);
  }
}

function fail(path: string, problem: string): never {
  throw new RunsImportFailure(path, problem);
}

/** MLflow's rule for run ids, so every imported run can also be exported to MLflow. */
const RUN_ID = /^[A-Za-z0-9][\w-]{0,255}$/;
const SPECIAL_NUMBERS: Readonly<Record<SpecialNumberText, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
const isSpecialNumberText = (value: unknown): value is SpecialNumberText => typeof value === 'string' && Object.hasOwn(SPECIAL_NUMBERS, value);

/** One checked JSON object: every read names its path when the value is not what it must be. */
class Fields {
  private constructor(
    private readonly value: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): Fields {
    if (!isRecord(value)) fail(path, `expected an object, got ${describe(value)}`);
    return new Fields(value, path);
  }

  raw(key: string): unknown {
    return Object.hasOwn(this.value, key) ? this.value[key] : undefined;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  pathOf(key: string): string {
    return keyPath(this.path, key);
  }

  expected(key: string, what: string): never {
    const value = this.raw(key);
    return fail(this.pathOf(key), value === undefined ? `missing; expected ${what}` : `expected ${what}, got ${describe(value)}`);
  }

  string(key: string): string {
    const value = this.raw(key);
    return typeof value === 'string' ? value : this.expected(key, 'a string');
  }

  nonEmptyString(key: string): string {
    const value = this.raw(key);
    return typeof value === 'string' && value !== '' ? value : this.expected(key, 'a non-empty string');
  }

  nullableString(key: string): string | null {
    const value = this.raw(key);
    return value === null || typeof value === 'string' ? value : this.expected(key, 'a string or null');
  }

  number(key: string): number {
    const value = this.raw(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : this.expected(key, 'a finite number');
  }

  nullableNumber(key: string): number | null {
    const value = this.raw(key);
    return value === null || (typeof value === 'number' && Number.isFinite(value)) ? value : this.expected(key, 'a finite number or null');
  }

  integer(key: string): number {
    const value = this.raw(key);
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : this.expected(key, 'a whole number of at least 0');
  }

  /** A number that may be NaN or ±Infinity, written as "NaN", "Infinity" or "-Infinity". */
  anyNumber(key: string): number {
    const value = this.raw(key);
    if (typeof value === 'number') return value;
    if (isSpecialNumberText(value)) return SPECIAL_NUMBERS[value];
    return this.expected(key, 'a number (or "NaN", "Infinity", "-Infinity")');
  }

  boolean(key: string): boolean {
    const value = this.raw(key);
    return typeof value === 'boolean' ? value : this.expected(key, 'true or false');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.raw(key);
    return allowed.find((option) => option === value) ?? this.expected(key, allowed.map((option) => JSON.stringify(option)).join(', ').replace(/, ([^,]*)$/, ' or $1'));
  }

  runId(key: string, alternative = ''): RunId {
    const value = this.raw(key);
    return typeof value === 'string' && RUN_ID.test(value) ? (value as RunId) : this.expected(key, `a run id (letters, digits, _ and -, starting with a letter or digit)${alternative}`);
  }

  array(key: string): unknown[] {
    const value = this.raw(key);
    return Array.isArray(value) ? value : this.expected(key, 'an array');
  }

  /** Each element read by `read`, which gets the element and its path. */
  list<T>(key: string, read: (item: unknown, path: string) => T): T[] {
    const path = this.pathOf(key);
    return this.array(key).map((item, index) => read(item, indexPath(path, index)));
  }

  object(key: string): Fields {
    return Fields.of(this.raw(key), this.pathOf(key));
  }

  /** A JSON object used as a map; each value read by `read`. Own properties only, so "__proto__" stays a plain key. */
  record<T>(key: string, read: (value: unknown, path: string) => T): Record<string, T> {
    const map = this.object(key);
    return Object.fromEntries(Object.entries(map.value).map(([entryKey, value]) => [entryKey, read(value, map.pathOf(entryKey))]));
  }
}

function readParam(value: unknown, path: string): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (isRecord(value) && Object.keys(value).length === 1 && isSpecialNumberText(value[SPECIAL_KEY])) return SPECIAL_NUMBERS[value[SPECIAL_KEY]];
  return fail(path, `expected a string, number, boolean or null, got ${describe(value)}`);
}

function readString(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, `expected a string, got ${describe(value)}`);
}

function readSummary(value: unknown, path: string): MetricSummary {
  const fields = Fields.of(value, path);
  return { last: fields.anyNumber('last'), min: fields.anyNumber('min'), max: fields.anyNumber('max'), lastStep: fields.number('lastStep'), count: fields.integer('count') };
}

function readObjective(fields: Fields): Objective {
  const threshold = fields.has('threshold') ? fields.number('threshold') : undefined;
  return { metric: fields.nonEmptyString('metric'), direction: fields.oneOf('direction', ['max', 'min'] as const), ...(threshold === undefined ? {} : { threshold }) };
}

function readExperiment(value: unknown, path: string): Experiment {
  const fields = Fields.of(value, path);
  const experiment = { name: fields.nonEmptyString('name'), createdAt: fields.number('createdAt') };
  return fields.has('objective') ? { ...experiment, objective: readObjective(fields.object('objective')) } : experiment;
}

function readDataset(value: unknown, path: string): DatasetFingerprint {
  const fields = Fields.of(value, path);
  return { name: fields.string('name'), sha256: fields.string('sha256'), rows: fields.integer('rows'), columns: fields.integer('columns') };
}

function readReproducibility(fields: Fields): Reproducibility {
  return {
    notebookId: fields.string('notebookId'),
    notebookName: fields.string('notebookName'),
    notebookRevision: fields.integer('notebookRevision'),
    code: fields.list('code', (item, path) => {
      const cell = Fields.of(item, path);
      return { executionCount: cell.integer('executionCount'), source: cell.string('source') };
    }),
    datasets: fields.list('datasets', readDataset),
    tfjsVersion: fields.string('tfjsVersion'),
    backend: fields.string('backend'),
    userAgent: fields.string('userAgent'),
  };
}

function readRun(value: unknown, path: string): Run {
  const fields = Fields.of(value, path);
  return {
    id: fields.runId('id'),
    experiment: fields.string('experiment'),
    name: fields.string('name'),
    status: fields.oneOf('status', RUN_STATUSES),
    startedAt: fields.number('startedAt'),
    endedAt: fields.nullableNumber('endedAt'),
    params: fields.record('params', readParam) as Params,
    tags: fields.record('tags', readString),
    notes: fields.string('notes'),
    starred: fields.boolean('starred'),
    parentId: fields.raw('parentId') === null ? null : fields.runId('parentId', ' or null'),
    source: fields.oneOf('source', RUN_SOURCES),
    metrics: fields.record('metrics', readSummary),
    reproducibility: fields.raw('reproducibility') === null ? null : readReproducibility(fields.object('reproducibility')),
    problems: fields.list('problems', readString),
    hasModel: fields.boolean('hasModel'),
    kernelSession: fields.nullableString('kernelSession'),
  };
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function readPoint(value: unknown, path: string, runIds: ReadonlySet<string>): MetricPoint {
  // Exports hold hundreds of thousands of points: take the well-formed ones without building a reader each.
  if (isRecord(value)) {
    const { runId, key, step, value: logged, timestamp } = value;
    if (typeof runId === 'string' && runIds.has(runId) && typeof key === 'string' && key !== '' && isFiniteNumber(step) && typeof logged === 'number' && isFiniteNumber(timestamp)) {
      return { runId: runId as RunId, key, step, value: logged, timestamp };
    }
  }
  const fields = Fields.of(value, path);
  const runId = fields.runId('runId');
  if (!runIds.has(runId)) fail(fields.pathOf('runId'), `no run with id ${JSON.stringify(runId)} in this file`);
  return { runId, key: fields.nonEmptyString('key'), step: fields.number('step'), value: fields.anyNumber('value'), timestamp: fields.number('timestamp') };
}

/** The first value that `keyOf` maps to twice, reported at its path. */
function rejectDuplicates<T>(items: readonly T[], keyOf: (item: T) => string, listPath: string, field: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) fail(keyPath(indexPath(listPath, index), field), `${JSON.stringify(key)} appears more than once`);
    seen.add(key);
  });
}

function readDocument(root: unknown): RunsDocument {
  const fields = Fields.of(root, '');
  if (fields.raw('format') !== RUNS_FORMAT) fields.expected('format', JSON.stringify(RUNS_FORMAT) + ' (a Kiln runs export)');
  const version = fields.integer('version');
  if (version > RUNS_FORMAT_VERSION) fail('version', `this file is version ${version}, written by a newer Kiln; this one reads version ${RUNS_FORMAT_VERSION}`);
  if (version !== RUNS_FORMAT_VERSION) fail('version', `expected ${RUNS_FORMAT_VERSION}, got ${version}`);
  const experiments = fields.list('experiments', readExperiment);
  rejectDuplicates(experiments, (experiment) => experiment.name, 'experiments', 'name');
  const runs = fields.list('runs', readRun);
  rejectDuplicates(runs, (run) => run.id, 'runs', 'id');
  const runIds = new Set<string>(runs.map((run) => run.id));
  const points = fields.list('metrics', (item, path) => readPoint(item, path, runIds));
  return { experiments, runs, points };
}

export function parseRunsExport(text: string): RunsImportResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { path: '', message: `file: not valid JSON (${error instanceof Error ? error.message : String(error)})` } };
  }
  try {
    return { ok: true, value: readDocument(root) };
  } catch (error) {
    if (!(error instanceof RunsImportFailure)) throw error;
    return { ok: false, error: { path: error.path, message: error.message } };
  }
}
