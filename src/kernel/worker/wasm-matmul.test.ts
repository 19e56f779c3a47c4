import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmTransposedMatMul } from './wasm-matmul';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() => startWasmInNode(installWasmTransposedMatMul));

/** Runs `compute` on the CPU backend (the reference) and on wasm; returns both results. */
async function onBothBackends(compute: () => tf.Tensor): Promise<{ cpu: number[]; wasm: number[]; shape: number[] }> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(() => Array.from(compute().dataSync()));
  await tf.setBackend('wasm');
  const result = tf.tidy(() => {
    const tensor = compute();
    return { values: Array.from(tensor.dataSync()), shape: tensor.shape };
  });
  return { cpu, wasm: result.values, shape: result.shape };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(...actual.map((value, i) => Math.abs(value - (expected[i] as number)) / Math.max(1, Math.abs(expected[i] as number))));
  expect(worst).toBeLessThan(1e-5);
}

/** Deterministic, uneven values: a transposition mistake changes the product. */
const matrix = (shape: number[], seed: number) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed + i * 0.7)), shape);

describe('installWasmTransposedMatMul', () => {
  it.each([
    { transposeA: false, transposeB: false, a: [5, 3], b: [3, 4] },
    { transposeA: true, transposeB: false, a: [3, 5], b: [3, 4] },
    { transposeA: false, transposeB: true, a: [5, 3], b: [4, 3] },
    { transposeA: true, transposeB: true, a: [3, 5], b: [4, 3] },
    { transposeA: true, transposeB: false, a: [2, 3, 5], b: [2, 3, 4] },
    { transposeA: false, transposeB: true, a: [2, 5, 3], b: [1, 4, 3] },
  ])('matMul with transposeA=$transposeA transposeB=$transposeB of $a and $b equals the CPU backend', async ({ transposeA, transposeB, a, b }) => {
    const { cpu, wasm, shape } = await onBothBackends(() => tf.matMul(matrix(a, 1), matrix(b, 2), transposeA, transposeB));
    expect(shape.slice(-2)).toEqual([5, 4]);
    expectClose(wasm, cpu);
  });

  it('keeps the fused product (bias and activation) right with transposed operands', async () => {
    const { cpu, wasm } = await onBothBackends(() =>
      tf.fused.matMul({ a: matrix([3, 5], 3), b: matrix([4, 3], 4), transposeA: true, transposeB: true, bias: matrix([4], 5), activation: 'relu' }),
    );
    expectClose(wasm, cpu);
  });

  it('gives the same gradients as the CPU backend and frees its transposed copies', async () => {
    // d/dx uses dy·wᵀ and d/dw uses xᵀ·dy: both transposed products.
    const gradients = () => {
      const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x, w).relu().square().sum())([matrix([6, 3], 6), matrix([3, 2], 7)]);
      return tf.concat([(dx as tf.Tensor).flatten(), (dw as tf.Tensor).flatten()]);
    };
    await tf.setBackend('cpu');
    const expected = tf.tidy(() => Array.from(gradients().dataSync()));
    await tf.setBackend('wasm');
    // The copies are backend data, not tensors: count what the backend holds.
    const heldByBackend = () => tf.engine().backend.numDataIds();
    const before = heldByBackend();
    const actual = tf.tidy(() => Array.from(gradients().dataSync()));
    expectClose(actual, expected);
    expect(heldByBackend()).toBe(before);
  });
});
