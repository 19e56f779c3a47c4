import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrackingEvent } from '../../core/tracking/types';
import { installTrainingHooks } from './training-hooks';
import { Tracking } from './tracking';
import { createPreprocessApi } from './preprocess-api';

/** A Tracking whose events land in an array, with fit hooks installed as the kernel does. */
function setUp() {
  const events: TrackingEvent[] = [];
  const tracking = new Tracking(tf, {
    emit: (event) => events.push(event),
    datasets: () => [{ name: 'sales.csv', sha256: 'ab'.repeat(32), rows: 3, columns: 2 }],
  });
  return { events, tracking };
}

let current: Tracking | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
  installTrainingHooks(tf, {
    showProgress: () => undefined,
    isInterruptRequested: () => false,
    interruptError: () => new Error('interrupted'),
    startFit: (model, args) => current?.startFit(model, args) ?? null,
  });
});

const kinds = (events: readonly TrackingEvent[]) => events.map((event) => event.kind);

/** The points the metric events carry (as columns per key), one record each, in the order sent. */
const pointsOf = (events: readonly TrackingEvent[]) =>
  events.flatMap((event) => (event.kind === 'metrics' ? event.series.flatMap(({ key, steps, values }) => Array.from(steps, (step, i) => ({ key, step, value: values[i] }))) : []));

function tinyModel() {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

describe('autolog', () => {
  it('turns a fit into a run: params, one point per epoch and metric, the model, then finished', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    tracking.beginCell(true);
    const xs = tf.randomNormal([20, 2]);
    const ys = tf.randomNormal([20, 1]);
    await tinyModel().fit(xs, ys, { epochs: 3, batchSize: 5, validationSplit: 0.2 });
    tracking.endCell('ok');

    expect(kinds(events)).toEqual(['run-start', 'metrics', 'model', 'run-end']);
    const start = events[0] as Extract<TrackingEvent, { kind: 'run-start' }>;
    expect(start.run.source).toBe('autolog');
    expect(start.run.params).toMatchObject({ optimizer: 'Adam', learning_rate: 0.02, loss: 'meanSquaredError', metrics: 'mae', epochs: 3, batch_size: 5, validation_split: 0.2, total_params: 17, layers: 'Dense(4, relu) → Dense(1)' });
    expect(start.datasets).toEqual([expect.objectContaining({ name: 'sales.csv' })]);
    const points = pointsOf([events[1]!]);
    const keys = [...new Set(points.map((point) => point.key))].sort();
    expect(keys).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(points.filter((point) => point.key === 'loss').map((point) => point.step)).toEqual([1, 2, 3]);
    const model = events[2] as Extract<TrackingEvent, { kind: 'model' }>;
    expect(model.weights.byteLength).toBe(17 * 4);
    expect(model.modelJson['modelTopology']).toBeDefined();
    expect(events[3]).toMatchObject({ kind: 'run-end', status: 'finished' });
  });

  it("logs and saves the user's Sequential (its name, its metadata such as class labels), not the model it trains through", async () => {
    const { events, tracking } = setUp();
    current = tracking;
    tracking.beginCell(true);
    const model = tinyModel();
    model.setUserDefinedMetadata({ labels: ['price'] });
    await model.fit(tf.randomNormal([8, 2]), tf.randomNormal([8, 1]), { epochs: 1 });
    tracking.endCell('ok');
    const start = events.find((event) => event.kind === 'run-start') as Extract<TrackingEvent, { kind: 'run-start' }>;
    expect(start.run.name).toBe(model.name);
    const saved = events.find((event) => event.kind === 'model') as Extract<TrackingEvent, { kind: 'model' }>;
    expect(saved.modelJson['userDefinedMetadata']).toEqual({ labels: ['price'] });
    expect((saved.modelJson['modelTopology'] as { class_name?: string }).class_name).toBe('Sequential');
  });

  it('logs per-batch metrics only when asked', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    tracking.api.autolog({ batches: true });
    tracking.beginCell(true);
    await tinyModel().fit(tf.randomNormal([20, 2]), tf.randomNormal([20, 1]), { epochs: 2, batchSize: 5 });
    tracking.endCell('ok');
    const points = pointsOf(events);
    expect(points.filter((point) => point.key === 'batch/loss').map((point) => point.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(points.filter((point) => point.key === 'loss')).toHaveLength(2);
  });

  it('logs nothing when switched off', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    tracking.beginCell(false);
    await tinyModel().fit(tf.randomNormal([8, 2]), tf.randomNormal([8, 1]), { epochs: 1 });
    tracking.endCell('ok');
    expect(events).toEqual([]);
  });

  it('logs into the active explicit run instead of starting one', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    tracking.beginCell(true);
    const run = tracking.api.start({ experiment: 'sweep', params: { trial: 1 } });
    await tinyModel().fit(tf.randomNormal([8, 2]), tf.randomNormal([8, 1]), { epochs: 2 });
    run.end();
    tracking.endCell('ok');
    expect(kinds(events).filter((kind) => kind === 'run-start')).toHaveLength(1);
    expect(kinds(events)).toEqual(['run-start', 'params', 'metrics', 'model', 'run-end']);
  });
});

describe('track API', () => {
  it('batches many log calls into few messages, in order, before the run ends', () => {
    const { events, tracking } = setUp();
    tracking.beginCell(true);
    const run = tracking.api.start({ name: 'loop' });
    for (let step = 0; step < 50_000; step += 1) run.log({ loss: 1 / (step + 1) });
    run.end();
    const metricEvents = events.filter((event): event is Extract<TrackingEvent, { kind: 'metrics' }> => event.kind === 'metrics');
    expect(metricEvents.length).toBeLessThanOrEqual(3);
    const steps = pointsOf(metricEvents).map((point) => point.step);
    expect(steps).toHaveLength(50_000);
    expect(steps.every((step, index) => step === index)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'run-end', status: 'finished' });
  });

  it('keeps NaN and infinities, and refuses a value that is not a number with its key', () => {
    const { events, tracking } = setUp();
    tracking.beginCell(true);
    const run = tracking.api.start();
    run.log({ loss: NaN, ratio: Infinity }, 4);
    expect(() => run.log({ auc: '0.9' as unknown as number })).toThrow(/metric 'auc' must be a number, got the string "0.9"/);
    run.end();
    const points = pointsOf(events);
    expect(points.map((point) => [point.key, point.step, point.value])).toEqual([
      ['loss', 4, NaN],
      ['ratio', 4, Infinity],
    ]);
  });

  it('ends the runs a failing or interrupted cell started, but keeps runs of a cell that succeeded open', () => {
    const { events, tracking } = setUp();
    tracking.beginCell(true);
    const kept = tracking.api.start({ name: 'spans cells' });
    tracking.endCell('ok');
    tracking.beginCell(true);
    tracking.api.start({ name: 'fails' });
    tracking.endCell('error');
    tracking.beginCell(true);
    tracking.api.start({ name: 'stopped' });
    tracking.endCell('interrupted');
    const ends = events.filter((event) => event.kind === 'run-end');
    expect(ends.map((event) => event.kind === 'run-end' && event.status)).toEqual(['failed', 'interrupted']);
    expect(tracking.api.active()?.id).toBe(kept.id);
    expect(() => kept.log({ loss: 1 })).not.toThrow();
  });

  it('records nested runs with their parent, and refuses logging after the end', () => {
    const { events, tracking } = setUp();
    tracking.beginCell(true);
    const sweep = tracking.api.start({ name: 'sweep' });
    const child = tracking.api.start({ name: 'trial', parent: sweep, params: { lr: 0.1, layers: [8, 8] } });
    child.end();
    expect(() => child.log({ loss: 1 })).toThrow(/has ended/);
    const starts = events.filter((event): event is Extract<TrackingEvent, { kind: 'run-start' }> => event.kind === 'run-start');
    expect(starts[1]?.run.parentId).toBe(sweep.id);
    expect(starts[1]?.run.params).toEqual({ lr: 0.1, layers: '[8,8]' });
  });
});

describe('preprocess and the serving record', () => {
  const rows = [
    { mass: 3750, island: 'Biscoe', species: 'Adelie' },
    { mass: 5000, island: 'Dream', species: 'Gentoo' },
    { mass: 4100, island: 'Biscoe', species: 'Adelie' },
    { mass: null, island: 'Torgersen', species: 'Chinstrap' },
  ];

  it('transforms rows with the fitted pipeline, and a model saved afterwards carries it with test vectors', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    const preprocess = createPreprocessApi(tf, (fitted) => tracking.usePreprocessor(fitted));
    const prep = preprocess.fit(rows, { standardize: ['mass'], oneHot: ['island'], fillNull: { mass: 'mean' }, drop: ['species'] });
    expect(prep.outputs).toEqual(['mass', 'island=Biscoe', 'island=Dream', 'island=Torgersen']);
    const inputs = prep.transform(rows);
    expect(inputs.shape).toEqual([4, 4]);
    const massColumn = (inputs.arraySync() as number[][]).map((row) => row[0]!);
    // The missing mass is filled with the mean, which standardises to 0.
    expect(massColumn[3]).toBeCloseTo(0, 6);

    tracking.beginCell(true);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await model.fit(inputs, tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2), { epochs: 1 });
    tracking.endCell('ok');

    const saved = events.find((event): event is Extract<TrackingEvent, { kind: 'model' }> => event.kind === 'model');
    expect(saved?.serving?.pipeline).toEqual(prep.toJSON());
    expect(saved?.serving?.referenceStats).toMatchObject({ format: 'kiln-reference-stats', rows: 4 });
    expect(saved?.serving?.testVectors.inputs).toEqual(rows);
    const expected = model.predict(prep.transform(rows)) as tf.Tensor;
    const got = saved?.serving?.testVectors.outputs ?? [];
    (expected.arraySync() as number[][]).forEach((row, i) => row.forEach((value, j) => expect(got[i]?.[j]).toBeCloseTo(value, 6)));
  });

  it('does not attach a pipeline to a model whose input width differs', async () => {
    const { events, tracking } = setUp();
    current = tracking;
    createPreprocessApi(tf, (fitted) => tracking.usePreprocessor(fitted)).fit(rows, { oneHot: ['island'] });
    tracking.beginCell(true);
    await tinyModel().fit(tf.randomNormal([8, 2]), tf.randomNormal([8, 1]), { epochs: 1 });
    tracking.endCell('ok');
    const saved = events.find((event) => event.kind === 'model');
    expect(saved && 'serving' in saved).toBe(false);
  });
});
