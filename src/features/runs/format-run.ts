import type { ParamValue, Run } from '../../core/tracking/types';
import { isLabelTag } from '../../core/tracking/run-annotations';
import { compareText } from '../../core/tracking/text-order';
import { queryField, queryString } from '../../core/tracking/query';

/** Metric values as a table shows them: 4 significant digits; NaN and infinities spelled out. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  return typeof value === 'number' ? formatMetric(value) : String(value);
}

function runDurationMs(run: Run, now = Date.now()): number {
  return (run.endedAt ?? now) - run.startedAt;
}

export function formatDuration(run: Run): string {
  const ms = runDurationMs(run);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export type TagChip = { readonly key: string; readonly label: string; readonly title: string };

/** Tags as chips, by key: a label tag shows its key, others `key: value`; the title is how to filter for it. */
export function tagEntries(tags: Readonly<Record<string, string>>): TagChip[] {
  return Object.keys(tags)
    .sort(compareText)
    .map((key) => {
      const value = tags[key]!;
      const field = queryField('tags', key);
      return isLabelTag(value)
        ? { key, label: key, title: `Filter with: ${field}` }
        : { key, label: `${key}: ${value}`, title: `Filter with: ${field} = ${queryString(value)}` };
    });
}

/** A note in one table cell: its first non-empty line, and whether there is more. */
export function noteSummary(notes: string): { readonly line: string; readonly isCut: boolean } {
  const lines = notes.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  return { line: lines[0] ?? '', isCut: lines.length > 1 };
}
