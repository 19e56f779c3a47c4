import type { CellId } from '../lib/ids';
import type { BackendName, KernelMemory } from '../core/protocol';
import { createStore } from './create-store';

export type KernelStatus = 'not-started' | 'starting' | 'idle' | 'busy' | 'interrupting' | 'restarting' | 'dead';

export type KernelState = {
  readonly status: KernelStatus;
  readonly backend: BackendName | null;
  readonly runningCellId: CellId | null;
  readonly queuedCellIds: readonly CellId[];
  readonly memory: KernelMemory | null;
  /** Why the kernel is dead or was restarted, shown next to its status. */
  readonly notice: string | null;
  /** Whether model.fit logs tracked runs in the open notebook. */
  readonly autolog: boolean;
};

export const kernelStore = createStore<KernelState>({
  status: 'not-started',
  backend: null,
  runningCellId: null,
  queuedCellIds: [],
  memory: null,
  notice: null,
  autolog: true,
});
