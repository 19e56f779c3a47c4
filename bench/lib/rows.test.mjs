/** Result rows and the printed table. Run with `node --test bench/lib/`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { informational, measured, notMeasurable } from './rows.mjs';
import { formatTable } from './table.mjs';

test('a measured row passes or fails against its target', () => {
  assert.equal(measured('speed', 200_000, 'samples/s', { min: 170_000 }).pass, true);
  assert.equal(measured('speed', 20_000, 'samples/s', { min: 170_000 }).pass, false);
  assert.equal(measured('latency', 16, 'ms', { max: 15 }).pass, false);
});

test('an informational row has no target and never passes or fails', () => {
  const row = informational('training-speed-bare-wasm', 23_095, 'samples/s', 'reference: tfjs alone', { samples: [1, 2] });
  assert.deepEqual(row, { metric: 'training-speed-bare-wasm', value: 23_095, unit: 'samples/s', target: null, pass: null, note: 'reference: tfjs alone', samples: [1, 2] });
});

test('the table shows an informational row with its note, and a failure as FAIL', () => {
  const table = formatTable([
    {
      name: 'kernel',
      rows: [
        measured('trivial-cell-run', 33, 'ms', { max: 15 }),
        informational('trivial-cell-output-in-dom', 19, 'ms', 'breakdown: in the DOM'),
        notMeasurable('training-speed-webgpu', 'samples/s', null, 'the kernel started wasm instead'),
      ],
    },
  ]);
  const lines = table.split('\n');
  assert.match(lines.find((line) => line.includes('trivial-cell-run')), /33\s+ms\s+≤ 15\s+FAIL$/);
  assert.match(lines.find((line) => line.includes('output-in-dom')), /19\s+ms\s+breakdown: in the DOM$/);
  assert.match(lines.find((line) => line.includes('webgpu')), /—\s+samples\/s\s+not measurable: the kernel started wasm instead$/);
});
