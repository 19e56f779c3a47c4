/**
 * Runs as CSV (RFC 4180): one row per run, for spreadsheets and pandas. A summary, not an archive:
 * metrics appear as their last value only, so the lossless format is the JSON export (./runs-json.ts).
 */
import { metricKeys, paramKeys, runDuration, tagKeys } from './table';
import type { Run } from './types';

const LINE_BREAK = '\r\n';

/** Quotes a field when it holds a separator, a quote or a line break; quotes inside are doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Numbers as JavaScript writes them (NaN, Infinity and -Infinity included, which pandas reads back), null as an empty field. */
function cellText(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

const isoTime = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

/**
 * Columns: id, experiment, name, status, start and end (ISO 8601, UTC), duration (ms), notes, then
 * `params.<key>`, `metrics.<key>` (the last value) and `tags.<key>`, each group sorted by key.
 */
export function runsToCsv(runs: readonly Run[]): string {
  const params = paramKeys(runs);
  const metrics = metricKeys(runs);
  const tags = tagKeys(runs);
  const header = [
    'id',
    'experiment',
    'name',
    'status',
    'start',
    'end',
    'duration',
    'notes',
    ...params.map((key) => `params.${key}`),
    ...metrics.map((key) => `metrics.${key}`),
    ...tags.map((key) => `tags.${key}`),
  ];
  const rows = runs.map((run) => [
    run.id,
    run.experiment,
    run.name,
    run.status,
    isoTime(run.startedAt),
    isoTime(run.endedAt),
    cellText(runDuration(run)),
    run.notes,
    ...params.map((key) => cellText(Object.hasOwn(run.params, key) ? run.params[key] : null)),
    ...metrics.map((key) => cellText(Object.hasOwn(run.metrics, key) ? run.metrics[key]?.last : null)),
    ...tags.map((key) => cellText(Object.hasOwn(run.tags, key) ? run.tags[key] : null)),
  ]);
  return [header, ...rows].map((fields) => fields.map(csvField).join(',') + LINE_BREAK).join('');
}
