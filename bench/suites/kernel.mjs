/**
 * Kernel performance on the production build, in headless Chromium, driven as a user would
 * (click a cell's editor, type, Ctrl+Enter; the toolbar's backend choice). Times are taken in the
 * page: from the keydown (a capture listener the bench installs) to the first frame after the new
 * output element appears (see installRunTimer in lib/kiln-page.mjs).
 *
 *   trivial-cell-run        `1 + 1`: Ctrl+Enter → the frame that draws its output, median of 30
 *                           runs after 5 warm-up runs, kernel already started (≤ 15 ms); with two
 *                           breakdown rows: output in the DOM, and the paint as Element Timing
 *                           reports it
 *   first-run-*             navigation start → the frame that draws the first run's output (run
 *                           issued as soon as the first code cell is editable), fresh profile, median
 *                           of 3 (≤ 2000 ms): once with nothing remembered (the kernel runs its
 *                           one-time backend benchmark), once with localStorage saying what
 *                           'auto' picked before; a -from-key row gives Ctrl+Enter → that frame,
 *                           and the JSON has when the cell became editable and when the key was
 *                           pressed (a busy main thread delays the bench's typing like a user's)
 *   training-overhead-wasm  the same model.fit (lib/training-snippet.mjs: 10→64→64→1 MLP, 20k×10
 *                           random rows, 5 epochs, batch 256, Adam) in a Kiln cell vs in a bare
 *                           tfjs page (pages/bare-tfjs.html) given the kernel's own speed-ups of
 *                           tfjs (KILN_SPEED_UPS in lib/bare-tfjs.mjs), both WASM SIMD on one thread, in the
 *                           same browser, after two warm-up fits each, alternated over 12 rounds;
 *                           median of the per-round ratios (≤ 1.10).
 *                           A third, stock bare page gives tfjs' own speed for scale
 *   training-speed-*        samples/s of that fit per backend offered by the toolbar, plus the bare
 *                           page for reference; the backend 'auto' picks carries the target
 *                           (≥ 170k samples/s). WASM reuses the overhead fits; the others are
 *                           timed on 40 batches after a short warm-up fit (they are much slower).
 *
 * Timed fits measure performance.now() around model.fit inside each page: page load, data and
 * model creation do not count. The machine's CPU may be shared: compare ratios within one run.
 */
import { openBareTfjs } from '../lib/bare-tfjs.mjs';
import {
  SELECTORS,
  activeBackend,
  offeredBackends,
  openEmptyNotebook,
  openTimedKiln,
  replaceCellSource,
  runCell,
  selectBackend,
  typeAndRun,
} from '../lib/kiln-page.mjs';
import { NeverAppeared, waitForMark } from '../lib/page.mjs';
import { informational, measured, notMeasurable } from '../lib/rows.mjs';
import { median, round } from '../lib/stats.mjs';
import { cellSource, parseCellResult } from '../lib/training-snippet.mjs';

const TARGETS = {
  trivialRun: { max: 15 },
  firstRun: { max: 2000 },
  trainingOverhead: { max: 1.1 },
  autoBackendSpeed: { min: 170_000 },
};

const TRIVIAL_SOURCE = '1 + 1';
const TRIVIAL_OUTPUT = '2';
const TRIVIAL_WARM_UPS = 5;
const TRIVIAL_RUNS = 30;
const FIRST_RUN_LOADS = 3;
const TRAINING_ROUNDS = 12;
/** Unmeasured full fits per side before the rounds (see trainingRounds). */
const TRAINING_WARM_UPS = 2;

const TRAINING = { rows: 20_000, epochs: 5 };
/** Compiles kernels and shaders before a timed fit; ten batches. */
const WARM_UP_TRAINING = { rows: 2_560, epochs: 1 };
/** Timed fit for the slower backends (CPU, software WebGL): 40 batches of the same model keep the suite short. */
const TABLE_TRAINING = { rows: 10_240, epochs: 1 };
/** A fit on software WebGL or the plain JS backend takes tens of seconds on a busy machine. */
const FIT_TIMEOUT_MS = 180_000;

const FIRST_CODE_EDITABLE = `${SELECTORS.codeCell} ${SELECTORS.editableEditor}`;

const samplesPerSecond = (fit) => fit.samples / (fit.fitMs / 1000);
const ms = (values) => values.map((value) => round(value));

/** Runs the training snippet in a Kiln cell; resolves with the parsed result. */
async function fitInCell(page, cell, workload) {
  await replaceCellSource(page, cell, cellSource(workload));
  const { output } = await runCell(page, cell, { timeout: FIT_TIMEOUT_MS });
  return parseCellResult(output);
}

async function trivialRuns(ctx, page, cell) {
  await replaceCellSource(page, cell, TRIVIAL_SOURCE);
  const runs = [];
  for (let i = 0; i < TRIVIAL_WARM_UPS + TRIVIAL_RUNS; i++) {
    const { timing, output, kernelMs } = await runCell(page, cell);
    if (output !== TRIVIAL_OUTPUT) throw new Error(`\`${TRIVIAL_SOURCE}\` printed ${JSON.stringify(output.slice(0, 200))}, not ${TRIVIAL_OUTPUT}`);
    if (i >= TRIVIAL_WARM_UPS) runs.push({ ...timing, kernelMs });
  }
  ctx.log(`trivial cell: ${TRIVIAL_RUNS} runs done`);
  const since = (moment) => ms(runs.map((run) => run[moment] - run.keyAt));
  const frame = since('frameAt');
  const rows = [
    measured('trivial-cell-run', round(median(frame)), 'ms', TARGETS.trivialRun, { samples: frame, min: Math.min(...frame), max: Math.max(...frame) }),
    informational('trivial-cell-output-in-dom', round(median(since('outputAt'))), 'ms', "breakdown: Ctrl+Enter → the run's output in the DOM (new output, or new prompt beside outputs redrawn in place)", {
      samples: since('outputAt'),
      redrawnInPlace: runs.filter((run) => run.redrawnInPlace).length,
    }),
  ];
  const kernelTimes = runs.map((run) => run.kernelMs);
  if (kernelTimes.every((time) => time != null)) {
    rows.push(informational('trivial-cell-kernel-time', median(kernelTimes), 'ms', "breakdown: the kernel's own time, as the cell's gutter shows it", { samples: kernelTimes }));
  } else {
    rows.push(notMeasurable('trivial-cell-kernel-time', 'ms', null, "the cell's gutter showed no run duration"));
  }
  const painted = runs.filter((run) => run.paintAt != null);
  const inPlace = runs.filter((run) => run.redrawnInPlace).length;
  if (inPlace > 0) {
    rows.push(notMeasurable('trivial-cell-output-painted', 'ms', null, `${inPlace} of ${runs.length} runs redrew equal outputs in place, which Element Timing does not report`));
  } else if (painted.length === runs.length) {
    const paint = since('paintAt');
    rows.push(informational('trivial-cell-output-painted', round(median(paint)), 'ms', 'breakdown: Ctrl+Enter → paint reported by Element Timing', { samples: paint }));
  } else {
    rows.push(notMeasurable('trivial-cell-output-painted', 'ms', null, `Element Timing reported ${painted.length} of ${runs.length} paints`));
  }
  return rows;
}

/** Why the two fits are not comparable (they ran different WASM builds), or null. */
function buildDifference(kernelFit, bareFit) {
  const key = ['backend', 'simd', 'threads'].find((name) => kernelFit[name] !== bareFit[name]);
  return key ? `the kernel and the bare page differ in ${key} (${kernelFit[key]} vs ${bareFit[key]})` : null;
}

/**
 * Alternates the same fit in the kernel (on WASM), in a bare page with the kernel's own wasm
 * kernels (the overhead reference: the two differ only in Kiln), and in a stock bare page (tfjs
 * alone, for scale). Returns the three series.
 */
async function trainingRounds(ctx, session, page, cell) {
  const backend = await selectBackend(page, 'wasm');
  if (backend !== 'wasm') return { reason: `the kernel started ${backend ?? 'nothing'} when WASM was chosen` };
  const bare = await openBareTfjs(session.browser, ctx, { backend: 'wasm', kilnSpeedUps: true });
  const stock = await openBareTfjs(session.browser, ctx, { backend: 'wasm' });
  try {
    const sides = { kernel: (workload) => fitInCell(page, cell, workload), bare: bare.fit, stock: stock.fit };
    // Two full unmeasured fits per side: V8 keeps optimising the training loop over the first
    // few hundred batches (a cold first fit ran 1.3-2x slower than the third; with one warm-up
    // fit, the kernel's first two rounds still ran up to 1.6x slower than its others);
    // steady-state speed is what a data scientist training again and again gets.
    for (let i = 0; i < TRAINING_WARM_UPS; i++) for (const fit of Object.values(sides)) await fit(TRAINING);
    const rounds = [];
    for (let i = 0; i < TRAINING_ROUNDS; i++) {
      // Rotating which side goes first spreads slow drifts in machine load over all three.
      const order = Object.keys(sides).map((_, k, names) => names[(i + k) % names.length]);
      const fits = {};
      for (const side of order) fits[side] = await sides[side](TRAINING);
      const difference = buildDifference(fits.kernel, fits.bare) ?? buildDifference(fits.kernel, fits.stock);
      if (difference) return { reason: difference };
      rounds.push({ kernelFit: fits.kernel, bareFit: fits.bare, stockFit: fits.stock });
      ctx.log(`training round ${i + 1}/${TRAINING_ROUNDS}: kernel ${round(fits.kernel.fitMs)} ms, bare with Kiln's kernels ${round(fits.bare.fitMs)} ms, stock tfjs ${round(fits.stock.fitMs)} ms`);
    }
    return { rounds, wasm: { simd: bare.info.simd, threads: bare.info.threads } };
  } finally {
    await bare.close();
    await stock.close();
  }
}

function overheadRows(overhead, autoBackend) {
  const speedRow = (name) => `training-speed-${name}${name === autoBackend ? ' (auto)' : ''}`;
  const autoTarget = (name) => (name === autoBackend ? TARGETS.autoBackendSpeed : null);
  if (overhead.reason) {
    return [
      notMeasurable('training-overhead-wasm', '×', TARGETS.trainingOverhead, overhead.reason),
      notMeasurable(speedRow('wasm'), 'samples/s', autoTarget('wasm'), overhead.reason),
    ];
  }
  const { rounds, wasm } = overhead;
  const ratios = rounds.map(({ kernelFit, bareFit }) => round(kernelFit.fitMs / bareFit.fitMs, 3));
  const stockRatios = rounds.map(({ kernelFit, stockFit }) => round(kernelFit.fitMs / stockFit.fitMs, 3));
  const speeds = (side) => rounds.map((pair) => Math.round(samplesPerSecond(pair[side])));
  const wasmBuild = `WASM ${wasm.simd ? 'SIMD' : 'without SIMD'}, ${wasm.threads ? 'threads' : 'one thread'}`;
  const kernelSpeeds = speeds('kernelFit');
  const kernelExtra = { samples: kernelSpeeds, workload: TRAINING, wasm };
  const kernelSpeed = Math.round(median(kernelSpeeds));
  const target = autoTarget('wasm');
  return [
    measured('training-overhead-wasm', round(median(ratios), 3), '×', TARGETS.trainingOverhead, {
      samples: ratios,
      kernelMs: ms(rounds.map((pair) => pair.kernelFit.fitMs)),
      bareMs: ms(rounds.map((pair) => pair.bareFit.fitMs)),
      reference: "a bare page with the kernel's own speed-ups of tfjs (KILN_SPEED_UPS in bench/lib/bare-tfjs.mjs)",
      wasm,
    }),
    informational('training-time-vs-stock-tfjs', round(median(stockRatios), 3), '×', 'a Kiln cell against tfjs alone in a page: Kiln and its speed-ups of tfjs together', { samples: stockRatios }),
    target ? measured(speedRow('wasm'), kernelSpeed, 'samples/s', target, kernelExtra) : informational(speedRow('wasm'), kernelSpeed, 'samples/s', wasmBuild, kernelExtra),
    informational('training-speed-bare-wasm', Math.round(median(speeds('stockFit'))), 'samples/s', `reference: tfjs alone in a page, ${wasmBuild}`, { samples: speeds('stockFit'), workload: TRAINING }),
  ];
}

/** Samples/s in the kernel on each offered backend except WASM (measured in the training rounds). */
async function backendRows(ctx, page, cell, autoBackend) {
  const rows = [];
  for (const name of await offeredBackends(page)) {
    if (name === 'wasm') continue;
    const metric = `training-speed-${name}${name === autoBackend ? ' (auto)' : ''}`;
    const target = name === autoBackend ? TARGETS.autoBackendSpeed : null;
    const started = await selectBackend(page, name);
    if (started !== name) {
      rows.push(notMeasurable(metric, 'samples/s', target, `chosen in the toolbar, the kernel started ${started ?? 'nothing'} instead`));
      continue;
    }
    await fitInCell(page, cell, WARM_UP_TRAINING);
    const fit = await fitInCell(page, cell, TABLE_TRAINING);
    const speed = Math.round(samplesPerSecond(fit));
    ctx.log(`${name}: ${speed} samples/s`);
    const extra = { workload: TABLE_TRAINING, fitMs: round(fit.fitMs) };
    rows.push(target ? measured(metric, speed, 'samples/s', target, extra) : informational(metric, speed, 'samples/s', 'one epoch after a warm-up fit', extra));
  }
  return rows;
}

/**
 * One browser for the warm-kernel metrics: the trivial cell, the training rounds, the backend table.
 * Returns rows and the backend 'auto' picked (read from the toolbar of a fresh profile).
 */
async function warmKernelRows(ctx) {
  const session = await openTimedKiln(ctx);
  const { page } = session;
  const rows = [];
  try {
    const cell = await openEmptyNotebook(session, ctx);
    const autoBackend = await activeBackend(page);
    ctx.log(`'auto' picked ${autoBackend}`);
    rows.push(...(await trivialRuns(ctx, page, cell)));
    rows.push(...overheadRows(await trainingRounds(ctx, session, page, cell), autoBackend));
    rows.push(...(await backendRows(ctx, page, cell, autoBackend)));
    if (session.pageErrors.length) ctx.log(`page errors: ${session.pageErrors.join(' | ')}`);
    return { rows, autoBackend };
  } finally {
    await session.close();
  }
}

/**
 * One load: navigation → first code cell editable → a click into it, `1 + 1` typed over its source
 * and Ctrl+Enter, as quickly as a user could → the frame that draws its output.
 */
async function firstRun(ctx, rememberedAutoBackend) {
  const session = await openTimedKiln(ctx, { marks: { editable: [FIRST_CODE_EDITABLE] }, rememberedAutoBackend });
  const { page } = session;
  try {
    await page.goto(ctx.url, { waitUntil: 'commit' });
    const editableAt = await waitForMark(session, 'editable');
    const cell = page.locator(SELECTORS.codeCell).first();
    const { timing, output } = await typeAndRun(page, cell, TRIVIAL_SOURCE);
    if (output !== TRIVIAL_OUTPUT) throw new Error(`the first run printed ${JSON.stringify(output.slice(0, 200))}, not ${TRIVIAL_OUTPUT}`);
    if (session.pageErrors.length) ctx.log(`page errors: ${session.pageErrors.join(' | ')}`);
    return { ...timing, editableAt, backend: await activeBackend(page) };
  } finally {
    await session.close();
  }
}

async function firstRunRows(ctx, metric, rememberedAutoBackend) {
  const loads = [];
  for (let i = 0; i < FIRST_RUN_LOADS; i++) {
    try {
      loads.push(await firstRun(ctx, rememberedAutoBackend));
    } catch (error) {
      if (error instanceof NeverAppeared) return { rows: [notMeasurable(metric, 'ms', TARGETS.firstRun, error.message)], backend: null };
      throw error;
    }
    ctx.log(`${metric} ${i + 1}/${FIRST_RUN_LOADS}: ${round(loads.at(-1).frameAt)} ms on ${loads.at(-1).backend}`);
  }
  const frames = ms(loads.map((load) => load.frameAt));
  const row = measured(metric, round(median(frames)), 'ms', TARGETS.firstRun, {
    samples: frames,
    runCommandAt: ms(loads.map((load) => load.keyAt)),
    runToOutputFrameMs: ms(loads.map((load) => load.frameAt - load.keyAt)),
    firstCodeCellEditableAt: ms(loads.map((load) => load.editableAt)),
    backends: loads.map((load) => load.backend),
  });
  const fromKey = ms(loads.map((load) => load.frameAt - load.keyAt));
  const breakdown = informational(`${metric}-from-key`, round(median(fromKey)), 'ms', 'breakdown: Ctrl+Enter → the frame that draws the output', { samples: fromKey });
  return { rows: [row, breakdown], backend: loads.at(-1).backend };
}

export default {
  name: 'kernel',
  async run(ctx) {
    const warm = await warmKernelRows(ctx);
    const fresh = await firstRunRows(ctx, 'first-run-fresh-profile', null);
    const remember = fresh.backend ?? warm.autoBackend;
    const remembered = remember
      ? (await firstRunRows(ctx, 'first-run-remembered-backend', remember)).rows
      : [notMeasurable('first-run-remembered-backend', 'ms', TARGETS.firstRun, "'auto' never reported a backend to remember")];
    return [...warm.rows, ...fresh.rows, ...remembered];
  },
};
