import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CellId } from '../lib/ids';
import type { KernelEvent, KernelRequest } from '../core/protocol';
import { KernelClient } from './client';

/** A stand-in for the kernel's Web Worker: records what the client posts and replays events. */
class FakeWorker {
  readonly posted: KernelRequest[] = [];
  isTerminated = false;
  private readonly listeners: Record<string, ((event: { data?: KernelEvent }) => void)[]> = { message: [], error: [] };

  addEventListener(type: string, listener: (event: { data?: KernelEvent }) => void): void {
    this.listeners[type]?.push(listener);
  }
  postMessage(request: KernelRequest): void {
    this.posted.push(request);
  }
  terminate(): void {
    this.isTerminated = true;
  }
  send(event: KernelEvent): void {
    for (const listener of this.listeners.message ?? []) listener({ data: event });
  }
  request<T extends KernelRequest['type']>(type: T): Extract<KernelRequest, { type: T }> {
    const found = this.posted.find((request) => request.type === type);
    if (!found) throw new Error(`nothing of type ${type} was posted`);
    return found as Extract<KernelRequest, { type: T }>;
  }
}

const CELL = 'cell-a' as CellId;
const MEMORY = { numTensors: 3, numBytes: 12 };

async function startedClient() {
  const workers: FakeWorker[] = [];
  const onRestarted = vi.fn();
  const client = new KernelClient(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    { onReady: () => undefined, onRestarted },
    { backend: 'cpu', autoBackend: { load: () => null, save: () => undefined } },
  );
  const ready = client.start();
  const worker = workers[0] as FakeWorker;
  worker.send({ type: 'ready', requestId: worker.request('init').id, backend: 'cpu', tfVersion: '4.22.0' });
  await ready;
  return { client, workers, worker, onRestarted };
}

describe('KernelClient', () => {
  beforeEach(() => vi.stubGlobal('location', { href: 'http://localhost/' }));
  afterEach(() => vi.unstubAllGlobals());

  it('streams outputs as they come and hands over the last ones with the result', async () => {
    const { client, worker } = await startedClient();
    const streamed: KernelEvent[] = [];
    const execution = client.execute(CELL, 'console.log(1); 2', 1, (event) => streamed.push(event));
    const requestId = worker.request('execute').id;
    worker.send({ type: 'stream', requestId, name: 'stdout', text: '1\n' });
    const value = { type: 'display', requestId, bundle: { kind: 'text', text: '2' }, isResult: true } as const;
    worker.send({ type: 'done', requestId, status: 'ok', durationMs: 4, memory: MEMORY, finalOutputs: [value] });
    expect(await execution.done).toEqual({ status: 'ok', durationMs: 4, memory: MEMORY, finalOutputs: [value] });
    expect(streamed).toEqual([{ type: 'stream', requestId, name: 'stdout', text: '1\n' }]);
  });

  it('ends a running cell as interrupted, saying why, when the kernel restarts', async () => {
    const { client, workers, worker, onRestarted } = await startedClient();
    const execution = client.execute(CELL, 'while (true) {}', 1, () => undefined);
    void client.restart('The kernel was restarted: variables were lost.');
    const result = await execution.done;
    expect(result.status).toBe('interrupted');
    expect(result.finalOutputs).toEqual([
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ name: 'KernelRestarted', message: 'The kernel was restarted: variables were lost.' }) }),
    ]);
    expect(onRestarted).toHaveBeenCalledWith('The kernel was restarted: variables were lost.');
    expect(worker.isTerminated).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it('ends a running cell as interrupted with no outputs on shutdown', async () => {
    const { client, worker } = await startedClient();
    const execution = client.execute(CELL, '1', 1, () => undefined);
    client.shutdown();
    expect(await execution.done).toEqual({ status: 'interrupted', durationMs: 0, memory: null, finalOutputs: [] });
    expect(worker.isTerminated).toBe(true);
  });

  it('ignores a done message for a request it does not know', async () => {
    const { client, worker } = await startedClient();
    const execution = client.execute(CELL, '1', 1, () => undefined);
    const requestId = worker.request('execute').id;
    worker.send({ type: 'done', requestId: 'someone-else' as typeof requestId, status: 'ok', durationMs: 1, memory: MEMORY, finalOutputs: [] });
    worker.send({ type: 'done', requestId, status: 'error', durationMs: 2, memory: MEMORY, finalOutputs: [] });
    expect((await execution.done).status).toBe('error');
  });
});
