/**
 * The IndexedDB side of the ingest benchmark, run in Kiln's page: waiting until a tracked run's
 * points are all stored in Kiln's database, and the baseline (the same points written with raw
 * IndexedDB, no Kiln, no Dexie, into a scratch database with the same key layout).
 * Times are wall-clock epoch ms (performance.timeOrigin + performance.now()), comparable with the
 * kernel worker's clock.
 */

/** Kiln's database and the stores it keeps tracking in (src/store/schema.ts, version 4). */
const KILN_DATABASE = 'kiln';

/*
 * Runs in the page. Polls Kiln's `runs` store (small: the run record holds its metric summaries,
 * written in the same transaction as its points) until the run of `experiment` is finished and
 * its summaries count `expected` points; then counts the run's rows in `metrics` to check.
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
        const counted = await request(() => db.transaction('metrics', 'readonly').objectStore('metrics').index('runId').count(IDBKeyRange.only(run.id)));
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
 * Runs in the page. Writes `steps` × `keys` points shaped like Kiln's (runId, key, step, value,
 * timestamp; primary key [runId, key, step], index on runId) with put() in transactions of
 * `batch` points, one after another, into a fresh scratch database, which it deletes afterwards.
 * Resolves with { ms, counted }. Serialized: no closures.
 */
async function rawWrite({ steps, keys, batch }) {
  const request = (pending) =>
    new Promise((resolve, reject) => {
      pending.onsuccess = () => resolve(pending.result);
      pending.onerror = () => reject(pending.error);
    });
  const name = `kiln-bench-scratch-${Date.now()}`;
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('metrics', { keyPath: ['runId', 'key', 'step'] }).createIndex('runId', 'runId');
  const db = await request(opening);
  try {
    const keyNames = Array.from({ length: keys }, (_, index) => `m${index}`);
    const total = steps * keys;
    const startedAt = performance.now();
    let written = 0;
    while (written < total) {
      const transaction = db.transaction('metrics', 'readwrite');
      const store = transaction.objectStore('metrics');
      const end = Math.min(total, written + batch);
      const timestamp = Date.now();
      for (; written < end; written++) {
        const step = Math.floor(written / keys);
        store.put({ runId: 'scratch', key: keyNames[written % keys], step, value: step / steps, timestamp });
      }
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error ?? new Error('the scratch transaction aborted'));
      });
    }
    const ms = performance.now() - startedAt;
    const counted = await request(db.transaction('metrics', 'readonly').objectStore('metrics').count());
    return { ms, counted };
  } finally {
    db.close();
    indexedDB.deleteDatabase(name);
  }
}

/** The baseline write, in the page; resolves with { ms, counted }. */
export function writeRawPoints(page, { steps, keys, batch }) {
  return page.evaluate(rawWrite, { steps, keys, batch });
}
