/**
 * The training workload runs for real here, in Node on tfjs' CPU backend, on a small input:
 * both forms (the bare page's expression and the cell's source) must train and report the same
 * fields. Run with `node --test bench/lib/`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { bareExpression, cellSource, parseCellResult, RESULT_MARKER } from './training-snippet.mjs';

const SMALL = { rows: 512, epochs: 2 };
const AsyncFunction = (async () => undefined).constructor;

/** Evaluates snippet text with `tf` in scope, as both pages provide it (a global there). */
const evaluate = (body) => new AsyncFunction('tf', body)(tf);

await tf.setBackend('cpu');

function assertFitResult(result) {
  assert.equal(result.samples, SMALL.rows * SMALL.epochs);
  assert.equal(result.backend, 'cpu');
  assert.ok(result.fitMs > 0, `fitMs should be positive, got ${result.fitMs}`);
  assert.ok(Number.isFinite(result.loss), `loss should be a number, got ${result.loss}`);
  // Not WASM: the build flags are only read for it.
  assert.equal(result.simd, null);
  assert.equal(result.threads, null);
}

test('the bare page expression trains the model and frees its tensors', async () => {
  const before = tf.memory().numTensors;
  const result = await evaluate(`return ${bareExpression(SMALL)};`);
  assertFitResult(result);
  assert.equal(tf.memory().numTensors, before, 'the snippet leaves no tensors behind');
});

test('the cell source prints a result line that parseCellResult reads back', async () => {
  const printed = [];
  const { log } = console;
  console.log = (...args) => printed.push(args.join(' '));
  try {
    await evaluate(cellSource(SMALL));
  } finally {
    console.log = log;
  }
  assert.equal(printed.length, 1);
  assert.ok(printed[0].startsWith(RESULT_MARKER));
  // The cell's output area also shows the training progress above the result line.
  assertFitResult(parseCellResult(`sequential_1_model\nepoch 2/2\n${printed[0]}\n`));
});

test('the cell source is one line, so Monaco cannot re-indent it', () => {
  assert.doesNotMatch(cellSource(SMALL), /\n/);
});

test('parseCellResult says what the cell printed when the result line is missing', () => {
  assert.throws(() => parseCellResult('ReferenceError: tf is not defined'), /printed no KILNBENCH line; its output was: ReferenceError: tf is not defined/);
  assert.throws(() => parseCellResult('   '), /its output was: \(empty\)/);
});

test('a workload that is not a positive whole number of rows and epochs is rejected', () => {
  assert.throws(() => bareExpression({ rows: 0, epochs: 1 }), /rows must be a positive integer, got 0/);
  assert.throws(() => cellSource({ rows: 100, epochs: 1.5 }), /epochs must be a positive integer, got 1.5/);
});
