/**
 * The runs view's filter box: a query (`metrics.val_acc > 0.9 and params.lr <= 0.01`) when the
 * text uses fields or operators, otherwise a word search over names, notes and tags.
 */
import type { Run } from '../../core/tracking/types';
import { compileFilter } from '../../core/tracking/query';
import { searchPredicate } from '../../core/tracking/table';

export type FilterResult = { readonly runs: readonly Run[]; readonly error: string | null };

/** Fields with a dot or an operator, `not` or `(` first, or the bare `starred` (the star filter), are a query. */
const LOOKS_LIKE_QUERY = /(^|[\s(])(metrics|params|tags|name|status|experiment|duration|starred|notes|id)\b\s*(\.|[=!<>~])|[<>=~]|^\s*(not\b|\()|^\s*starred\s*$/;

export function filterRuns(runs: readonly Run[], text: string): FilterResult {
  const trimmed = text.trim();
  if (trimmed === '') return { runs, error: null };
  if (!LOOKS_LIKE_QUERY.test(trimmed)) return { runs: runs.filter(searchPredicate(trimmed)), error: null };
  const filter = compileFilter(trimmed);
  if (!filter.ok) {
    const { message, offset } = filter.error;
    return { runs, error: `${message}\n${trimmed}\n${' '.repeat(offset)}^` };
  }
  return { runs: runs.filter(filter.matches), error: null };
}
