import type { NotebookController } from '../../state/notebook-controller';
import { useStore } from '../../state/create-store';
import { kernelStore } from '../../state/kernel-state';
import { appStore } from '../../state/app-store';
import { BACKENDS, type BackendChoice } from '../../core/protocol';
import { rememberedBackend } from '../../state/kernel-runner';
import { formatBytes } from '../../lib/format-bytes';

/** Run buttons, interrupt/restart, the backend choice and the kernel's state and memory. */
export function KernelControls({ controller }: { controller: NotebookController }) {
  const kernel = useStore(appStore, (state) => state.kernel);
  const status = useStore(kernelStore, (state) => state.status);
  const backend = useStore(kernelStore, (state) => state.backend);
  const memory = useStore(kernelStore, (state) => state.memory);
  const notice = useStore(kernelStore, (state) => state.notice);
  const autolog = useStore(kernelStore, (state) => state.autolog);
  const isBusy = status === 'busy' || status === 'interrupting';
  const run = () => {
    const selected = controller.ui.get().selectedCellId;
    if (selected) void controller.runCell(selected, 'advance');
  };
  return (
    <>
      <button type="button" className="button primary" data-testid="run-cell" onClick={run} title="Run the selected cell and select the next (Shift+Enter)">▶ Run</button>
      <button type="button" className="button" data-testid="run-all" onClick={() => void controller.runAll()} title="Run all cells">Run all</button>
      <button type="button" className="button" data-testid="interrupt" disabled={!isBusy} onClick={() => void kernel?.interrupt()} title="Interrupt the running cell (I I)">■ Interrupt</button>
      <button type="button" className="button" data-testid="restart" onClick={() => void kernel?.restart()} title="Restart the kernel: clears every variable (0 0)">↻ Restart</button>
      <button type="button" className="button" data-testid="restart-run-all" onClick={() => void kernel?.restart().then(() => controller.runAll())} title="Restart the kernel, then run every cell">Restart &amp; run all</button>
      <span className={`kernel-status status-${status}`} data-testid="kernel-status" data-status={status} title={notice ?? 'Kernel state'}>
        <span className="dot" aria-hidden /> {status}
      </span>
      <select
        className="backend-select"
        aria-label="tfjs backend"
        data-testid="backend-select"
        defaultValue={rememberedBackend()}
        title={backend ? `Training runs on ${backend}` : 'tfjs backend'}
        onChange={(event) => void kernel?.setBackend(event.target.value as BackendChoice)}
      >
        <option value="auto">auto{backend ? ` (${backend})` : ''}</option>
        {BACKENDS.map((name) => (
          <option key={name} value={name}>{name}</option>
        ))}
      </select>
      {memory && (
        <span className="kernel-memory" data-testid="kernel-memory" title="tf.memory(): tensors alive in the kernel">
          {memory.numTensors} {memory.numTensors === 1 ? 'tensor' : 'tensors'} · {formatBytes(memory.numBytes)}
        </span>
      )}
      <label className="autolog-toggle" title="Log every model.fit in this notebook as a tracked run (params, metrics per epoch, model)">
        <input type="checkbox" data-testid="autolog-toggle" checked={autolog} onChange={(event) => kernel?.setAutolog(event.target.checked)} /> autolog
      </label>
    </>
  );
}
