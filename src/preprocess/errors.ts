import type { RowProblemCode } from './types';

export type PreprocessErrorCode =
  | RowProblemCode
  /** The fit options are malformed (unknown option, a feature in two transforms...). */
  | 'bad-options'
  /** There is nothing to fit on: no rows, a feature absent from every row, a column with no values. */
  | 'empty-data'
  /** parsePipeline: the document is not a valid fitted pipeline. */
  | 'bad-pipeline'
  /** parseReferenceStats: the document is not valid reference statistics. */
  | 'bad-reference-stats'
  /** rowsFromColumns: the table's shape is inconsistent. */
  | 'bad-table'
  /** A function argument other than the data is invalid (bins, window size, PSI inputs...). */
  | 'bad-argument';

/**
 * Every expected failure of this module: data, options and documents that are wrong in a way the
 * user can fix. The message says what and where; `row`, `field` and `path` say it for programs.
 */
export class PreprocessError extends Error {
  readonly code: PreprocessErrorCode;
  /** 0-based row index, for problems in the data. */
  readonly row?: number;
  /** The raw field (column) at fault. */
  readonly field?: string;
  /** JSON path of the bad value, for problems in a parsed document or in options. */
  readonly path?: string;

  constructor(code: PreprocessErrorCode, message: string, where: { row?: number; field?: string; path?: string } = {}) {
    super(message);
    this.name = 'PreprocessError';
    this.code = code;
    if (where.row !== undefined) this.row = where.row;
    if (where.field !== undefined) this.field = where.field;
    if (where.path !== undefined) this.path = where.path;
  }
}
