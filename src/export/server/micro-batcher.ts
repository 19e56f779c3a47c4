/**
 * Coalesces concurrent requests into one model call. A model call costs about the same for 1 row
 * as for 32, so rows that arrive in the same turn of the event loop (many sockets become readable
 * together under load) are predicted together: the queue flushes on setImmediate, after Node has
 * read every ready socket, or at once when it holds a full batch. Each request then reads its own
 * rows' slice of the batch's outcome.
 *
 * Callbacks rather than promises: this is the hot path, and a request costs one closure here.
 */

export type BatchDone<Outcome> = (error: Error | null, outcome: Outcome | null, firstRow: number) => void;

export type BatcherLimits = {
  /** A model call takes at most this many rows; a single bigger request is predicted alone. */
  maxBatchRows: number;
  /** Rows waiting beyond this are refused with QueueFullError. */
  maxQueueRows: number;
};

export class QueueFullError extends Error {
  constructor(readonly queuedRows: number, readonly limit: number) {
    super(`the prediction queue is full (${queuedRows} rows waiting, limit ${limit}); retry shortly`);
    this.name = 'QueueFullError';
  }
}

type Pending<Row, Outcome> = { rows: readonly Row[]; done: BatchDone<Outcome> };

export class MicroBatcher<Row, Outcome> {
  private queue: Pending<Row, Outcome>[] = [];
  private queuedRows = 0;
  private isFlushScheduled = false;
  private readonly flushNow = () => this.flush();

  constructor(
    /** Predicts a whole batch synchronously; throwing fails every request of that batch. */
    private readonly predict: (rows: readonly Row[]) => Outcome,
    private readonly limits: BatcherLimits,
  ) {}

  get waitingRows(): number {
    return this.queuedRows;
  }

  /** Queues rows; `done` is called once with the batch outcome and the index of this request's first row in it. */
  enqueue(rows: readonly Row[], done: BatchDone<Outcome>): void {
    if (this.queuedRows + rows.length > this.limits.maxQueueRows) throw new QueueFullError(this.queuedRows, this.limits.maxQueueRows);
    this.queue.push({ rows, done });
    this.queuedRows += rows.length;
    if (this.queuedRows >= this.limits.maxBatchRows) this.flush();
    else if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      setImmediate(this.flushNow);
    }
  }

  /** Predicts everything queued, in batches of at most maxBatchRows. */
  flush(): void {
    this.isFlushScheduled = false;
    const queue = this.queue;
    this.queue = [];
    this.queuedRows = 0;
    let start = 0;
    while (start < queue.length) {
      let end = start + 1;
      let rowCount = (queue[start] as Pending<Row, Outcome>).rows.length;
      while (end < queue.length && rowCount + (queue[end] as Pending<Row, Outcome>).rows.length <= this.limits.maxBatchRows) {
        rowCount += (queue[end] as Pending<Row, Outcome>).rows.length;
        end++;
      }
      this.run(queue, start, end, rowCount);
      start = end;
    }
  }

  private run(queue: readonly Pending<Row, Outcome>[], start: number, end: number, rowCount: number): void {
    const rows = end - start === 1 ? (queue[start] as Pending<Row, Outcome>).rows : concatRows(queue, start, end, rowCount);
    let outcome: Outcome | null = null;
    let failure: Error | null = null;
    try {
      outcome = this.predict(rows);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    let firstRow = 0;
    for (let index = start; index < end; index++) {
      const pending = queue[index] as Pending<Row, Outcome>;
      try {
        pending.done(failure, outcome, firstRow);
      } catch (error) {
        // One request's failing answer must not leave the rest of the batch unanswered.
        console.error('kiln-server: answering a batched request failed', error);
      }
      firstRow += pending.rows.length;
    }
  }
}

function concatRows<Row, Outcome>(queue: readonly Pending<Row, Outcome>[], start: number, end: number, rowCount: number): Row[] {
  const rows = new Array<Row>(rowCount);
  let at = 0;
  for (let index = start; index < end; index++) {
    for (const row of (queue[index] as Pending<Row, Outcome>).rows) rows[at++] = row;
  }
  return rows;
}
