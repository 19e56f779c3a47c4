import { describe, expect, it, vi } from 'vitest';
import { MicroBatcher, QueueFullError } from './micro-batcher';

type Answer = { error: Error | null; outcome: readonly number[] | null; firstRow: number };

/** A batcher whose model doubles each row, recording the batches it is called with. */
function doubling(limits = { maxBatchRows: 100, maxQueueRows: 1000 }) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, readonly number[]>((rows) => {
    batches.push([...rows]);
    return rows.map((row) => row * 2);
  }, limits);
  const submit = (rows: number[]) =>
    new Promise<Answer>((resolve) => batcher.enqueue(rows, (error, outcome, firstRow) => resolve({ error, outcome, firstRow })));
  return { batcher, batches, submit };
}

/** The answer's own rows, cut from the batch outcome as the HTTP layer does. */
const ownRows = ({ outcome, firstRow }: Answer, count: number) => outcome?.slice(firstRow, firstRow + count);

describe('MicroBatcher', () => {
  it('coalesces requests queued in one turn into one model call and gives each its own rows', async () => {
    const { batches, submit } = doubling();
    const answers = await Promise.all([submit([1]), submit([2, 3]), submit([4])]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(ownRows(answers[0] as Answer, 1)).toEqual([2]);
    expect(ownRows(answers[1] as Answer, 2)).toEqual([4, 6]);
    expect(ownRows(answers[2] as Answer, 1)).toEqual([8]);
  });

  it('waits for the turn of the event loop before predicting', () => {
    const { batches, batcher } = doubling();
    batcher.enqueue([1], () => {});
    expect(batches).toEqual([]);
    expect(batcher.waitingRows).toBe(1);
  });

  it('flushes at once when the queue holds a full batch, and splits the queue into batches of at most maxBatchRows', async () => {
    const { batches, submit } = doubling({ maxBatchRows: 3, maxQueueRows: 1000 });
    const first = submit([1, 2]);
    const second = submit([3, 4]);
    // The second request made the queue reach 3 rows: it was predicted before this line, in batches of ≤ 3 rows.
    expect(batches).toEqual([[1, 2], [3, 4]]);
    expect(ownRows(await second, 2)).toEqual([6, 8]);
    expect(ownRows(await first, 2)).toEqual([2, 4]);
  });

  it('predicts a single request bigger than maxBatchRows on its own', async () => {
    const { batches, submit } = doubling({ maxBatchRows: 2, maxQueueRows: 1000 });
    const answer = await submit([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(ownRows(answer, 5)).toEqual([2, 4, 6, 8, 10]);
  });

  it('refuses rows beyond maxQueueRows with QueueFullError and serves the rest', async () => {
    const { batcher, submit } = doubling({ maxBatchRows: 100, maxQueueRows: 3 });
    const accepted = submit([1, 2]);
    expect(() => batcher.enqueue([3, 4], () => {})).toThrow(QueueFullError);
    expect(() => batcher.enqueue([3, 4], () => {})).toThrow('2 rows waiting, limit 3');
    const stillFits = submit([3]);
    expect(ownRows(await accepted, 2)).toEqual([2, 4]);
    expect(ownRows(await stillFits, 1)).toEqual([6]);
  });

  it('fails every request of a batch whose prediction throws, and keeps serving later batches', async () => {
    let shouldFail = true;
    const batcher = new MicroBatcher<number, number[]>((rows) => {
      if (shouldFail) throw new Error('model broke');
      return [...rows];
    }, { maxBatchRows: 10, maxQueueRows: 10 });
    const answers = await Promise.all([1, 2].map((row) => new Promise<Error | null>((resolve) => batcher.enqueue([row], (error) => resolve(error)))));
    expect(answers.map((error) => error?.message)).toEqual(['model broke', 'model broke']);
    shouldFail = false;
    const later = await new Promise<number[] | null>((resolve) => batcher.enqueue([5], (_error, outcome) => resolve(outcome)));
    expect(later).toEqual([5]);
  });

  it('answers the other requests of a batch when one answer throws', async () => {
    const { batcher, submit } = doubling();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    batcher.enqueue([1], () => {
      throw new Error('socket gone');
    });
    expect(ownRows(await submit([2]), 1)).toEqual([4]);
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
