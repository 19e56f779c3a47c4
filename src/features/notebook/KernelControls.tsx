import type { NotebookController } from '../../state/notebook-controller';
import { useStore } from '../../state/create-store';
import { kernelStore } from '../../state/kernel-state';

/** Run buttons and the kernel's state; the kernel itself is wired in by the kernel feature. */
export function KernelControls({ controller }: { controller: NotebookController }) {
  const status = useStore(kernelStore, (state) => state.status);
  const backend = useStore(kernelStore, (state) => state.backend);
  const run = () => {
    const selected = controller.ui.get().selectedCellId;
    if (selected) void controller.runCell(selected, 'advance');
  };
  return (
    <>
      <button type="button" className="button primary" onClick={run} title="Run the selected cell and select the next (Shift+Enter)">▶ Run</button>
      <button type="button" className="button" onClick={() => void controller.runAll()} title="Run all cells">Run all</button>
      <span className={`kernel-status status-${status}`} data-testid="kernel-status" data-status={status} title="Kernel state">
        <span className="dot" aria-hidden /> {status}
        {backend ? ` · ${backend}` : ''}
      </span>
    </>
  );
}
