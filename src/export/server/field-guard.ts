/**
 * Refuses fields the model does not know. The pipeline ignores extra fields, but a client sending
 * "bill_lenght_mm" would then get a prediction made without its value (or a fill-in), so the server
 * names the typo instead. Compiled once per model; columnar requests are checked by their names,
 * record requests row by row.
 */
import type { FittedPipeline, RawRow } from '../../preprocess';
import { badRequest } from './request-error';

export class FieldGuard {
  private readonly known: ReadonlySet<string>;
  private readonly dropped: ReadonlySet<string>;
  private readonly expected: string;

  constructor(pipeline: Pick<FittedPipeline, 'inputs' | 'dropped'>) {
    this.dropped = new Set(pipeline.dropped);
    this.known = new Set([...pipeline.inputs.map((input) => input.name), ...pipeline.dropped]);
    this.expected = pipeline.inputs.map((input) => input.name).join(', ');
  }

  /** A column the pipeline drops (an id, the label): accepted in requests and never read. */
  isDropped(name: string): boolean {
    return this.dropped.has(name);
  }

  checkNames(names: readonly string[]): void {
    for (const name of names) if (!this.known.has(name)) throw this.unknown(name, undefined);
  }

  checkRecords(rows: readonly RawRow[]): void {
    for (let row = 0; row < rows.length; row++) {
      for (const name in rows[row]) if (!this.known.has(name)) throw this.unknown(name, row);
    }
  }

  private unknown(name: string, row: number | undefined) {
    const where = row === undefined ? '' : `row ${row}: `;
    return badRequest(`${where}unknown feature "${name}"; the model takes ${this.expected}`, { field: name, expected: `one of ${this.expected}`, got: `"${name}"`, ...(row === undefined ? {} : { row }) });
  }
}
