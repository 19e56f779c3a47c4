/** Branded string ids, so a cell id can never be passed where a notebook id is expected. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type NotebookId = Brand<string, 'NotebookId'>;
export type CellId = Brand<string, 'CellId'>;
export type RequestId = Brand<string, 'RequestId'>;

function randomId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 16);
}

export const newNotebookId = (): NotebookId => `nb_${randomId()}` as NotebookId;
export const newCellId = (): CellId => `c_${randomId()}` as CellId;
export const newRequestId = (): RequestId => `r_${randomId()}` as RequestId;

export type RunId = Brand<string, 'RunId'>;
/** 32 hex digits, the shape MLflow gives run ids, so exported runs keep their ids. */
export const newRunId = (): RunId => crypto.randomUUID().replaceAll('-', '') as RunId;
