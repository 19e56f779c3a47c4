/**
 * Response bodies. Predictions are written as text directly from the model's Float32Array: on the
 * hot path that is cheaper than building nested arrays for JSON.stringify, and the shape is fixed.
 * The model never answers NaN or Infinity (tf-model.ts refuses them), so every number is valid JSON.
 */
import type { RequestError } from './request-error';
import type { BatchOutcome, Role } from './serving';

function rowText(values: Float32Array, start: number, width: number): string {
  let text = String(values[start]);
  for (let column = 1; column < width; column++) text += `,${values[start + column]}`;
  return text;
}

/** MLflow: one number per row for a single-output model, else one array per row. */
export function mlflowPredictions(outcome: BatchOutcome, firstRow: number, rows: number): string {
  const { values, width, served, role } = outcome;
  let text = '{"predictions":[';
  for (let row = 0; row < rows; row++) {
    if (row > 0) text += ',';
    text += width === 1 ? String(values[firstRow + row]) : `[${rowText(values, (firstRow + row) * width, width)}]`;
  }
  return `${text}],"model_version":"${served.version}","fallback":${role === 'fallback'}}`;
}

/** Open Inference Protocol: one FP32 output tensor of shape [rows, width], data flat in row-major order. */
export function v2InferResponse(outcome: BatchOutcome, firstRow: number, rows: number, modelName: string, requestId: string | undefined): string {
  const { values, width, served, role } = outcome;
  const output = served.signature.outputs[0]?.name ?? 'output';
  const id = requestId === undefined ? '' : `"id":${JSON.stringify(requestId)},`;
  return (
    `{"model_name":${JSON.stringify(modelName)},"model_version":"${served.version}",${id}"parameters":{"fallback":${role === 'fallback'}},` +
    `"outputs":[{"name":${JSON.stringify(output)},"shape":[${rows},${width}],"datatype":"FP32","data":[${rowText(values, firstRow * width, rows * width)}]}]}`
  );
}

export type ErrorProtocol = 'mlflow' | 'v2';

/** MLflow's {error_code, message} or the V2 {error} body, both with the field, expected and got. */
export function errorBody(error: RequestError, protocol: ErrorProtocol): string {
  const head = protocol === 'mlflow' ? { error_code: error.code, message: error.message } : { error: error.message };
  return JSON.stringify({ ...head, ...error.detail });
}

export function servedHeaders(version: number, role: Role): string[] {
  return ['x-kiln-model-version', String(version), 'x-kiln-model-role', role];
}
