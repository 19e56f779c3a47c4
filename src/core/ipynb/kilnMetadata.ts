/**
 * Kiln's own fields, stored under `metadata.kiln` at notebook, cell and output level. Jupyter
 * keeps unknown metadata, so these survive a trip through other tools; import checks them like
 * any other untrusted input.
 */
import type { LastRun, RunStatus } from '../notebook/types';
import { indexPath } from './path';
import { ObjectReader } from './read';

export type NotebookKilnMetadata = {
  readonly id?: string;
  readonly name?: string;
  readonly language?: string;
  readonly createdAt?: number;
  readonly updatedAt?: number;
};

/** Where an error output came from in the cell's source. */
export type ErrorLocation = { readonly output: number; readonly line?: number; readonly column?: number };

export type CellKilnMetadata = {
  readonly lastRun?: LastRun;
  readonly isInputCollapsed?: boolean;
  readonly isOutputCollapsed?: boolean;
  /**
   * One entry per error output Kiln wrote. Its presence also says that the traceback starts with
   * a "Name: message" line Kiln added for Jupyter (which shows only the traceback).
   */
  readonly errors?: readonly ErrorLocation[];
};

export type OutputKilnMetadata = {
  readonly displayId?: string;
  /** Only `false` is stored: true is execute_result, absent is display_data. */
  readonly isResult?: boolean;
};

const RUN_STATUSES = ['ok', 'error', 'interrupted'] as const satisfies readonly RunStatus[];

/** Kiln notebook ids are "nb_" plus hex; anything of this shape is safe to use as a store key. */
const NOTEBOOK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function readNotebookKilnMetadata(kiln: ObjectReader): NotebookKilnMetadata {
  const id = kiln.optionalString('id');
  if (id !== undefined && !NOTEBOOK_ID_PATTERN.test(id)) kiln.fail('id', 'expected 1 to 64 letters, digits, "-" or "_"');
  return withoutUndefined({
    id,
    name: kiln.optionalString('name'),
    language: kiln.optionalString('language'),
    createdAt: kiln.optionalNumber('createdAt'),
    updatedAt: kiln.optionalNumber('updatedAt'),
  });
}

export function readCellKilnMetadata(kiln: ObjectReader): CellKilnMetadata {
  const lastRunReader = kiln.optionalObject('lastRun');
  const lastRun: LastRun | undefined =
    lastRunReader === undefined
      ? undefined
      : {
          startedAt: lastRunReader.number('startedAt'),
          durationMs: lastRunReader.number('durationMs'),
          status: lastRunReader.oneOf('status', RUN_STATUSES),
        };
  const errors = kiln.has('errors')
    ? kiln.array('errors').map((entry, i) => {
        const reader = ObjectReader.of(entry, indexPath(kiln.pathOf('errors'), i), kiln.code);
        return withoutUndefined({
          output: reader.integer('output'),
          line: reader.optionalInteger('line', 0),
          column: reader.optionalInteger('column', 0),
        });
      })
    : undefined;
  return withoutUndefined({
    lastRun,
    isInputCollapsed: kiln.optionalBoolean('isInputCollapsed'),
    isOutputCollapsed: kiln.optionalBoolean('isOutputCollapsed'),
    errors,
  });
}

export function readOutputKilnMetadata(kiln: ObjectReader): OutputKilnMetadata {
  return withoutUndefined({ displayId: kiln.optionalString('displayId'), isResult: kiln.optionalBoolean('isResult') });
}

/** Optional fields are left out rather than set to undefined, so documents compare equal after a round trip. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}
