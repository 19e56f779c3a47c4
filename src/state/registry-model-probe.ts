/**
 * Loads a run's saved model on the main thread (tfjs on its CPU backend, imported only when an
 * export needs it) to read its signature and record what it predicts for the test vectors the
 * exported server checks itself against at start-up.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { ModelArtifact } from '../core/tracking/types';

export type ModelProbe = {
  readonly inputWidth: number;
  readonly outputWidth: number;
  /** The last layer's activation ('softmax', 'sigmoid', 'linear'...), when the topology says. */
  readonly outputActivation: string | null;
  /** rows × inputWidth in, rows × outputWidth out. */
  predict(rows: readonly (readonly number[])[]): number[][];
  dispose(): void;
};

/** Why a model cannot be exported, in words that say what to change. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

let tensorflow: Promise<typeof Tfjs> | null = null;

export function loadTensorflow(): Promise<typeof Tfjs> {
  tensorflow ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // A few rows through a small model: the CPU backend is instant and needs no GPU context.
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  tensorflow.catch(() => (tensorflow = null));
  return tensorflow;
}

function rowWidth(shape: readonly (number | null)[], what: 'input' | 'output'): number {
  const width = shape[1];
  if (shape.length === 2 && typeof width === 'number') return width;
  throw new SignatureError(
    `The model's ${what} has shape [${shape.map((size) => size ?? 'batch').join(', ')}]; an exported model must take and give one row of numbers ([batch, width]). ` +
      (what === 'input' ? 'Add tf.layers.flatten() as the first layer (or reshape your data to rows) and train again.' : 'End the model with a dense layer and train again.'),
  );
}

function lastActivation(topology: unknown): string | null {
  const layers = (topology as { config?: { layers?: { config?: { activation?: unknown } }[] } } | null)?.config?.layers;
  const activation = layers?.at(-1)?.config?.activation;
  return typeof activation === 'string' ? activation : null;
}

export async function probeModel(artifact: ModelArtifact): Promise<ModelProbe> {
  const tf = await loadTensorflow();
  const json = artifact.modelJson;
  const model = await tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology as Tfjs.io.ModelArtifacts['modelTopology'],
      weightSpecs: json.weightSpecs as Tfjs.io.WeightsManifestEntry[],
      weightData: artifact.weights,
      format: typeof json.format === 'string' ? json.format : undefined,
    }),
  });
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new SignatureError(`The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; an exported model must have one of each. Combine them in the model (tf.layers.concatenate) and train again.`);
    }
    const inputWidth = rowWidth((model.inputs[0] as Tfjs.SymbolicTensor).shape, 'input');
    const outputWidth = rowWidth((model.outputs[0] as Tfjs.SymbolicTensor).shape, 'output');
    return {
      inputWidth,
      outputWidth,
      outputActivation: lastActivation(json.modelTopology),
      predict: (rows) => tf.tidy(() => (model.predict(tf.tensor2d(rows as number[][], [rows.length, inputWidth], 'float32')) as Tfjs.Tensor).arraySync() as number[][]),
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
