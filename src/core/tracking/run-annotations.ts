/**
 * What a user may write on a run (name, tags, notes) and what may stop runs from being deleted:
 * pure rules, so the store and the runs view refuse the same input with the same words.
 */
import type { ModelVersion } from '../registry/types';
import type { Run } from './types';

/** MLflow's own limits, so an exported run opens in MLflow without being cut. */
export const RUN_NAME_MAX = 250;
export const TAG_KEY_MAX = 250;
export const TAG_VALUE_MAX = 5000;
/** The value of a label tag (`baseline`): what `track.start({ tags: { baseline: true } })` stores. */
export const LABEL_TAG_VALUE = 'true';

/** An edit or a delete the rules refuse; its message says why and what to do. */
export class RunEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunEditError';
  }
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const LINE_BREAK = /[\r\n]/;

export function checkRunName(text: string): Checked<string> {
  const name = text.trim();
  if (name === '') return { ok: false, message: 'A run needs a name.' };
  if (LINE_BREAK.test(name)) return { ok: false, message: 'A run name is one line.' };
  if (name.length > RUN_NAME_MAX) return { ok: false, message: `A run name has at most ${RUN_NAME_MAX} characters (this one has ${name.length}).` };
  return { ok: true, value: name };
}

export type TagEntry = { readonly key: string; readonly value: string };

/**
 * What the "add tag" box accepts: `baseline` (a label tag), `team=vision` or `team: vision`.
 * Keys may not hold a backtick, which the filter language uses to quote keys (`tags.\`a b\``).
 */
export function parseTagInput(text: string): Checked<TagEntry> {
  const separator = /[=:]/.exec(text);
  const key = (separator ? text.slice(0, separator.index) : text).trim();
  const value = separator ? text.slice(separator.index + 1).trim() : LABEL_TAG_VALUE;
  if (key === '') return { ok: false, message: separator ? `A tag needs a key before '${separator[0]}'.` : 'Type a tag, or key=value.' };
  if (key.includes('`')) return { ok: false, message: 'A tag key cannot contain a backtick (`).' };
  if (LINE_BREAK.test(key)) return { ok: false, message: 'A tag key is one line.' };
  if (key.length > TAG_KEY_MAX) return { ok: false, message: `A tag key has at most ${TAG_KEY_MAX} characters.` };
  if (value.length > TAG_VALUE_MAX) return { ok: false, message: `A tag value has at most ${TAG_VALUE_MAX} characters.` };
  return { ok: true, value: { key, value } };
}

/** A label tag shows as its key; others as `key: value`. */
export function isLabelTag(value: string): boolean {
  return value === LABEL_TAG_VALUE || value === '';
}

export function withTag(run: Run, { key, value }: TagEntry): Run {
  return { ...run, tags: { ...run.tags, [key]: value } };
}

export function withoutTag(run: Run, key: string): Run {
  if (!Object.hasOwn(run.tags, key)) return run;
  const { [key]: _removed, ...tags } = run.tags;
  return { ...run, tags };
}

/**
 * Why these runs may not be deleted, or null when they may. A registered run stays: the registry
 * keeps only a version's metadata and exports the model from the run's saved artifact, so deleting
 * the run would leave a version that cannot be exported. A running run stays too: its training
 * would keep writing points for a run that no longer exists.
 */
export function deletionRefusal(runs: readonly Run[], versions: readonly ModelVersion[]): string | null {
  const running = runs.filter((run) => run.status === 'running');
  if (running.length > 0) return `Nothing was deleted: ${nameList(running.map((run) => run.name))} ${running.length === 1 ? 'is' : 'are'} still running. Interrupt the training first.`;
  if (versions.length === 0) return null;
  const names = new Map(runs.map((run) => [run.id, run.name]));
  const byRun = new Map<string, string[]>();
  for (const version of [...versions].sort((a, b) => a.model.localeCompare(b.model) || a.version - b.version)) {
    const name = names.get(version.runId) ?? version.runName;
    byRun.set(name, [...(byRun.get(name) ?? []), `${version.model} v${version.version}`]);
  }
  const reasons = [...byRun].map(([name, registered]) => `“${name}” is registered as ${registered.join(', ')}`);
  return `Nothing was deleted: ${reasons.join('; ')}. The registry exports a version's model from its run, so a registered run is kept; deselect it to delete the others.`;
}

function nameList(names: readonly string[]): string {
  const quoted = names.slice(0, 3).map((name) => `“${name}”`);
  return names.length > 3 ? `${quoted.join(', ')} and ${names.length - 3} more` : quoted.join(', ');
}
