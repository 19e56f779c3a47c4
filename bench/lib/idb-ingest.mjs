/**
 * The IndexedDB side of the ingest benchmark, run in Kiln's page: waiting until a tracked run's
 * points are all stored in Kiln's database, and the baseline (the same points written with raw
 * IndexedDB, no Kiln, no Dexie, into a scratch database with Kiln's layout).
 * Times are wall-clock epoch ms (performance.timeOrigin + performance.now()), comparable with the
 * kernel worker's clock.
 */

/** Kiln's database (src/store/schema.ts, version 6: points in `metricChunks`, up to 1,000 steps per row). */
const KILN_DATABASE = 'kiln';
/** CHUNK_STEPS in src/core/tracking/metric-chunks.ts. */
const CHUNK_STEPS = 1000;

/*
 * Runs in the page. Polls Kiln's `runs` store (small: the run record holds its metric summaries,
 * written in the same transaction as its points) until the run of `experiment` is finished and
 * its summaries count `expected` points; then counts the points in the run's chunks to check.
 * Resolves with { storedAt, runId, counted }. Serialized: no closures.
 */
async function waitForStoredRun({ database, experiment, expected, timeoutMs, pollMs }) {
  const request = (make) =>
    new Promise((resolve, reject) => {
      const pending = make();
      pending.onsuccess = () => resolve(pending.result);
      pending.onerror = () => reject(pending.error);
    });
  // No version: opens Kiln's database as it is (the app created it at load).
  const db = await request(() => indexedDB.open(database));
  try {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const [run] = await request(() => db.transaction('runs', 'readonly').objectStore('runs').index('experiment').getAll(experiment));
      const summarised = run ? Object.values(run.metrics).reduce((sum, summary) => sum + summary.count, 0) : 0;
      if (run?.status === 'finished' && summarised >= expected) {
        const storedAt = performance.timeOrigin + performance.now();
        const chunks = await request(() => db.transaction('metricChunks', 'readonly').objectStore('metricChunks').index('runId').getAll(IDBKeyRange.only(run.id)));
        const counted = chunks.reduce((sum, chunk) => sum + chunk.count, 0);
        return { storedAt, runId: run.id, counted };
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    throw new Error(`the run of experiment ${experiment} did not finish with ${expected} stored points within ${timeoutMs} ms`);
  } finally {
    db.close();
  }
}

/**
 * Starts waiting (in the page) for the run of `experiment` to be stored with `expected` points.
 * Returns the pending page call: start it before the cell runs, await it after.
 */
export function waitForStoredPoints(page, { experiment, expected, timeoutMs = 180_000, pollMs = 20 }) {
  return page.evaluate(waitForStoredRun, { database: KILN_DATABASE, experiment, expected, timeoutMs, pollMs });
}

/*
 * Runs in the page. The baseline: the points a loop of `steps` × run.log({ m0…m<keys-1> }) logs
 * (value step/steps + key index, as the benchmark cell's), written as the rows Kiln stores (one per
 * key and CHUNK_STEPS consecutive steps: values as a Float64Array, steps and timestamps as the
 * [start, delta, count] triples of src/core/tracking/linear-runs.ts, which this loop knows without
 * looking: steps count up by one, one timestamp per transaction; primary key [runId, key, block],
 * index on runId) with add(), `batch` points per transaction, into a fresh scratch database, which
 * it deletes afterwards. Timed from the first value to the last transaction's completion.
 * Resolves with { ms, counted }. Serialized: no closures.
 */
async function rawWrite({ steps, keys, batch, chunkSteps }) {
  const request = (pending) =>
    new Promise((resolve, reject) => {
      pending.onsuccess = () => resolve(pending.result);
      pending.onerror = () => reject(pending.error);
    });
  const name = `kiln-bench-scratch-${Date.now()}`;
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('metricChunks', { keyPath: ['runId', 'key', 'block'] }).createIndex('runId', 'runId');
  const db = await request(opening);
  try {
    const keyNames = Array.from({ length: keys }, (_, index) => `m${index}`);
    // Whole rows per transaction, so no row is written twice.
    const stepsPerBatch = Math.max(chunkSteps, Math.floor(batch / keys / chunkSteps) * chunkSteps);
    const startedAt = performance.now();
    for (let first = 0; first < steps; first += stepsPerBatch) {
      const end = Math.min(steps, first + stepsPerBatch);
      const transaction = db.transaction('metricChunks', 'readwrite');
      const store = transaction.objectStore('metricChunks');
      const timestamp = Date.now();
      for (let index = 0; index < keys; index++) {
        for (let from = first; from < end; ) {
          const block = Math.floor(from / chunkSteps);
          const to = Math.min(end, (block + 1) * chunkSteps);
          const values = new Float64Array(to - from);
          for (let step = from; step < to; step++) values[step - from] = step / steps + index;
          const count = to - from;
          store.add({ runId: 'scratch', key: keyNames[index], block, count, steps: { runs: Float64Array.of(from, 1, count) }, values, timestamps: { runs: Float64Array.of(timestamp, 0, count) } });
          from = to;
        }
      }
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error ?? new Error('the scratch transaction aborted'));
      });
    }
    const ms = performance.now() - startedAt;
    const chunks = await request(db.transaction('metricChunks', 'readonly').objectStore('metricChunks').getAll());
    return { ms, counted: chunks.reduce((sum, chunk) => sum + chunk.count, 0) };
  } finally {
    db.close();
    indexedDB.deleteDatabase(name);
  }
}

/** The baseline write, in the page; resolves with { ms, counted }. */
export function writeRawPoints(page, { steps, keys, batch }) {
  return page.evaluate(rawWrite, { steps, keys, batch, chunkSteps: CHUNK_STEPS });
}
