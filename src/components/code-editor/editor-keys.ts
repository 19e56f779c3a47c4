/** The Jupyter keys an editor hands back to the notebook, whichever editor engine has focus. */
export type RunMode = 'advance' | 'in-place' | 'insert-below';

export type EditorKeyHandlers = {
  onRun(mode: RunMode): void;
  /** Esc: leave the editor for command mode. */
  onEscape(): void;
};

/** Maps a keyboard event to a run mode (Shift+Enter, Ctrl/Cmd+Enter, Alt+Enter), if it is one. */
export function runModeOf(event: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): RunMode | null {
  if (event.key !== 'Enter') return null;
  if (event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) return 'advance';
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey) return 'in-place';
  if (event.altKey && !event.shiftKey && !event.ctrlKey && !event.metaKey) return 'insert-below';
  return null;
}
