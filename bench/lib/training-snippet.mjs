/**
 * The one training workload of the kernel benchmarks, as source text, so a Kiln cell and the bare
 * tfjs page run exactly the same code: a 10→64→64→1 MLP (ReLU), Adam, MSE, batch 256, on
 * `rows` × 10 random rows. Only `model.fit` is timed (performance.now() around it); creating
 * the data and the model is not.
 *
 * The code is one line (Monaco would re-indent a multi-line paste and auto-close brackets) and
 * uses only `tf`, which both pages provide as a global.
 */

export const FEATURES = 10;
export const HIDDEN_UNITS = 64;
export const BATCH_SIZE = 256;
/** Marks the result line in a cell's stdout. */
export const RESULT_MARKER = 'KILNBENCH';

/**
 * Statements (one line) that train and `return { fitMs, samples, backend, simd, threads, loss }`.
 * @param {{rows: number, epochs: number}} workload
 */
function fitBody({ rows, epochs }) {
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(`training snippet: rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(epochs) || epochs <= 0) throw new Error(`training snippet: epochs must be a positive integer, got ${epochs}`);
  return [
    `const xs = tf.randomNormal([${rows}, ${FEATURES}]);`,
    `const ys = tf.randomNormal([${rows}, 1]);`,
    'const model = tf.sequential({ layers: [',
    `tf.layers.dense({ inputShape: [${FEATURES}], units: ${HIDDEN_UNITS}, activation: 'relu' }),`,
    `tf.layers.dense({ units: ${HIDDEN_UNITS}, activation: 'relu' }),`,
    'tf.layers.dense({ units: 1 }) ] });',
    'const optimizer = tf.train.adam();',
    "model.compile({ optimizer, loss: 'meanSquaredError' });",
    'const startedAt = performance.now();',
    `const history = await model.fit(xs, ys, { epochs: ${epochs}, batchSize: ${BATCH_SIZE} });`,
    'const fitMs = performance.now() - startedAt;',
    'const losses = history.history.loss;',
    // A model does not own an optimizer it was given: Adam's moment variables are freed here.
    'tf.dispose([xs, ys]); model.dispose(); optimizer.dispose();',
    // Which WASM build ran, so the two pages can be checked to use the same one.
    "const isWasm = tf.getBackend() === 'wasm';",
    "const simd = isWasm ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null;",
    "const threads = isWasm ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : null;",
    `return { fitMs, samples: ${rows * epochs}, backend: tf.getBackend(), simd, threads, loss: Number(losses[losses.length - 1]) };`,
  ].join(' ');
}

/** An expression (for page.evaluate) that resolves to the fit's result. */
export function bareExpression(workload) {
  return `(async () => { ${fitBody(workload)} })()`;
}

/** A cell's source that prints the fit's result as `KILNBENCH{...}` on stdout. */
export function cellSource(workload) {
  return `await (async () => { ${fitBody(workload)} })().then((result) => console.log('${RESULT_MARKER}' + JSON.stringify(result)));`;
}

/**
 * The result printed by cellSource, read back from a cell's output text.
 * Throws with the text it got when the line is missing (the cell failed, or printed nothing).
 */
export function parseCellResult(outputText) {
  const match = new RegExp(`${RESULT_MARKER}(\\{[^\\n]*\\})`).exec(outputText);
  if (!match) throw new Error(`the training cell printed no ${RESULT_MARKER} line; its output was: ${outputText.trim().slice(0, 300) || '(empty)'}`);
  return JSON.parse(match[1]);
}
