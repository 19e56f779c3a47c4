import { useEffect, useRef } from 'react';
import { appStore } from '../state/app-store';

const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['Shift+Enter', 'Run cell, select below'],
  ['Ctrl/Cmd+Enter', 'Run cell'],
  ['Alt+Enter', 'Run cell, insert below'],
  ['Esc', 'Command mode (leave the editor)'],
  ['Enter', 'Edit the selected cell'],
  ['A / B', 'Insert cell above / below'],
  ['D D', 'Delete cell'],
  ['Z', 'Undo cell deletion'],
  ['M / Y / R', 'Markdown / code / raw cell'],
  ['J K or ↓ ↑', 'Select next / previous cell'],
  ['Ctrl+Shift+↑ / ↓', 'Move cell up / down'],
  ['Shift+M', 'Merge with the cell below'],
  ['O', 'Hide / show output'],
  ['I I', 'Interrupt the kernel'],
  ['0 0', 'Restart the kernel'],
  ['Ctrl/Cmd+S', 'Save now (Kiln also saves by itself)'],
  ['?', 'This sheet'],
];

export function ShortcutsDialog() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialogRef.current?.showModal();
  }, []);
  const close = () => appStore.set({ dialog: null });
  return (
    <dialog ref={dialogRef} className="dialog" aria-label="Keyboard shortcuts" onClose={close} onClick={(event) => event.target === dialogRef.current && close()}>
      <h2>Keyboard shortcuts</h2>
      <p className="muted">Jupyter habits: keys without a modifier work in command mode (no editor focused).</p>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, action]) => (
            <tr key={keys}>
              <td><kbd>{keys}</kbd></td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="button" onClick={close} autoFocus>Close</button>
    </dialog>
  );
}
