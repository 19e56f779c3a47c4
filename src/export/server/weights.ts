/**
 * The byte layout of tfjs weights (model.json's weightsManifest), shared by the server, which
 * checks the files it loads, and the export, which checks what it packs.
 */

export type WeightSpec = {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
};

export type WeightsGroup = { paths: string[]; weights: WeightSpec[] };

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes one weight takes in the weight files (quantized weights take their quantized size). */
export function weightBytes(spec: WeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES_PER_ELEMENT[dtype];
  if (bytes === undefined) throw new Error(`weight ${spec.name}: dtype ${dtype} is not supported`);
  return spec.shape.reduce((size, dimension) => size * dimension, 1) * bytes;
}

export function totalWeightBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((total, spec) => total + weightBytes(spec), 0);
}

export function isWeightsManifest(value: unknown): value is WeightsGroup[] {
  return (
    Array.isArray(value) &&
    value.every((group: unknown) => typeof group === 'object' && group !== null && Array.isArray((group as WeightsGroup).paths) && Array.isArray((group as WeightsGroup).weights))
  );
}
