import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { installWasmGatherSlice } from './wasm-gather-slice';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() => startWasmInNode(installWasmGatherSlice));

/** Runs `compute` on the CPU backend (the reference) and on wasm; returns both results as nested arrays. */
async function onBothBackends(compute: () => tf.Tensor) {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const result = compute();
      return { value: result.arraySync(), shape: result.shape, dtype: result.dtype };
    });
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

/** 0, 1, 2… in `shape`, cast to `dtype`: every element is told apart by its value. */
const counting = (shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => {
  const size = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'bool') return tf.tensor(Array.from({ length: size }, (_, i) => i % 3 === 0), shape, dtype);
  return tf.tensor(Array.from({ length: size }, (_, i) => i + 0.5 * Number(dtype === 'float32')), shape, dtype);
};

const heldByBackend = () => tf.engine().backend.numDataIds();

describe('installWasmGatherSlice: Gather', () => {
  it.each([
    { name: 'rows of a matrix (a training batch)', shape: [20, 10], indices: [19, 0, 7, 7, 3], axis: 0, batchDims: 0 },
    { name: 'columns of a matrix', shape: [4, 6], indices: [5, 1, 1], axis: 1, batchDims: 0 },
    { name: 'a middle axis of a 3-d tensor', shape: [2, 5, 3], indices: [4, 0], axis: 1, batchDims: 0 },
    { name: 'single values of a vector', shape: [40], indices: [39, 0, 12], axis: 0, batchDims: 0 },
    { name: 'long rows (copied in one go)', shape: [6, 40], indices: [5, 2], axis: 0, batchDims: 0 },
    { name: 'no indices', shape: [5, 3], indices: [], axis: 0, batchDims: 0 },
  ])('gathers $name as the CPU backend does', async ({ shape, indices, axis, batchDims }) => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const { cpu, wasm } = await onBothBackends(() => tf.gather(counting(shape, dtype), tf.tensor1d(indices, 'int32'), axis, batchDims));
      expect(wasm).toEqual(cpu);
    }
  });

  it('gathers per batch with batchDims', async () => {
    const { cpu, wasm } = await onBothBackends(() =>
      tf.gather(
        counting([2, 4, 3]),
        tf.tensor2d(
          [
            [3, 0],
            [1, 1],
          ],
          [2, 2],
          'int32',
        ),
        1,
        1,
      ),
    );
    expect(wasm.shape).toEqual([2, 2, 3]);
    expect(wasm).toEqual(cpu);
  });

  it('reports an index out of range with tfjs’ own message, and allocates nothing', () => {
    const table = counting([5, 2]);
    const before = heldByBackend();
    expect(() => tf.gather(table, tf.tensor1d([1, 5], 'int32'))).toThrow('GatherV2: the index value 5 is not in [0, 4]');
    expect(() => tf.gather(table, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 4]');
    // The two index tensors are the only new data.
    expect(heldByBackend()).toBe(before + 2);
    table.dispose();
  });

  it('frees everything it allocates but its result', () => {
    const table = counting([30, 4]);
    const before = heldByBackend();
    const picked = tf.tidy(() => tf.gather(table, tf.tensor1d([3, 1], 'int32')));
    expect(heldByBackend()).toBe(before + 1);
    tf.dispose([picked, table]);
  });
});

describe('installWasmGatherSlice: Slice', () => {
  it('reads only the part it returns (tfjs’ own kernels copy the whole input off the heap first)', () => {
    const rowOrder = tf.range(0, 20_000, 1, 'int32');
    const table = counting([20_000, 10]);
    const readSync = vi.spyOn(tf.backend(), 'readSync');
    const batch = tf.tidy(() => tf.gather(table, tf.slice(rowOrder, [256], [256])));
    expect(readSync).not.toHaveBeenCalled();
    readSync.mockRestore();
    expect(batch.shape).toEqual([256, 10]);
    expect(Array.from(batch.slice([0, 0], [1, 10]).dataSync())).toEqual(Array.from({ length: 10 }, (_, i) => 2560 + i + 0.5));
    tf.dispose([rowOrder, table, batch]);
  });


  it.each([
    { name: 'a run of a vector (a batch of row indices)', shape: [20_000], begin: [256], size: [256] },
    { name: 'whole rows of a matrix', shape: [8, 5], begin: [2, 0], size: [3, -1] },
    { name: 'columns of a matrix', shape: [8, 5], begin: [1, 1], size: [4, 2] },
    { name: 'a box of a 3-d tensor', shape: [3, 4, 5], begin: [1, 1, 2], size: [2, 3, 3] },
    { name: 'a box of a 5-d tensor', shape: [2, 3, 2, 3, 4], begin: [1, 0, 1, 1, 0], size: [1, 3, 1, 2, 3] },
    { name: 'nothing', shape: [4, 4], begin: [2, 2], size: [0, 2] },
  ])('slices $name as the CPU backend does', async ({ shape, begin, size }) => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const { cpu, wasm } = await onBothBackends(() => tf.slice(counting(shape, dtype), begin, size));
      expect(wasm).toEqual(cpu);
    }
  });

  it('still slices strings', () => {
    const words = tf.tensor2d(['a', 'b', 'c', 'd'], [2, 2], 'string');
    expect(tf.slice(words, [0, 1], [2, 1]).arraySync()).toEqual([['b'], ['d']]);
  });

  it('feeds model.fit the same batches: training on wasm matches the CPU backend', async () => {
    // fit takes every batch with a Slice of the (unshuffled) row order and a Gather per tensor.
    const train = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, kernelInitializer: 'ones' })] });
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
      return model;
    };
    const fitOn = async (backend: string) => {
      await tf.setBackend(backend);
      const model = train();
      const xs = counting([12, 3]).div(10);
      const ys = counting([12, 1]).div(5);
      await model.fit(xs, ys, { epochs: 2, batchSize: 5, shuffle: false, verbose: 0 });
      const weights = model.getWeights().map((weight) => Array.from(weight.dataSync()));
      tf.dispose([xs, ys]);
      model.dispose();
      return weights.flat();
    };
    const cpu = await fitOn('cpu');
    const wasm = await fitOn('wasm');
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((value, i) => expect(value).toBeCloseTo(cpu[i] as number, 5));
  });
});
