import { useEffect, type RefObject } from 'react';
import type { NotebookController } from '../../state/notebook-controller';
import { appStore } from '../../state/app-store';
import { runModeOf } from '../../components/code-editor/editor-keys';

/** Keys pressed twice in a row within this time count as a double press (D D, I I, 0 0). */
const DOUBLE_PRESS_MS = 600;

export type KernelKeys = { interrupt(): void; restart(): void };

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, .monaco-editor') !== null;
}

/**
 * Jupyter's command mode: while no editor has focus, single keys act on the selected cell.
 * Listens on the document so the keys work wherever focus is, except inside text fields.
 */
export function useCommandModeKeys(controller: NotebookController, containerRef: RefObject<HTMLElement | null>, kernel?: KernelKeys): void {
  useEffect(() => {
    let lastKey = '';
    let lastKeyAt = 0;
    const isDoublePress = (key: string): boolean => {
      const now = Date.now();
      const isDouble = lastKey === key && now - lastKeyAt < DOUBLE_PRESS_MS;
      lastKey = isDouble ? '' : key;
      lastKeyAt = now;
      return isDouble;
    };

    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 's') {
        event.preventDefault();
        void controller.session.flush();
        return;
      }
      if (isTypingTarget(event.target) || appStore.get().dialog) return;
      if (controller.ui.get().mode !== 'command') return;
      const selected = controller.ui.get().selectedCellId;
      const runMode = runModeOf(event);
      if (runMode && selected) {
        event.preventDefault();
        void controller.runCell(selected, runMode);
        return;
      }
      if (event.ctrlKey || event.metaKey) {
        if (event.shiftKey && event.key === 'ArrowUp') controller.moveSelected(-1);
        else if (event.shiftKey && event.key === 'ArrowDown') controller.moveSelected(1);
        else return;
        event.preventDefault();
        return;
      }
      if (event.altKey) return;
      const handled = handleCommandKey(event.key, event.shiftKey);
      if (handled) {
        event.preventDefault();
        scrollSelectedIntoView();
      }
    };

    const handleCommandKey = (key: string, shift: boolean): boolean => {
      switch (key) {
        case 'Enter':
          controller.enterEditMode();
          return true;
        case 'a':
        case 'A':
          controller.insert('above');
          return true;
        case 'b':
        case 'B':
          controller.insert('below');
          return true;
        case 'd':
        case 'D':
          if (isDoublePress('d')) controller.deleteSelected();
          return true;
        case 'z':
        case 'Z':
          controller.undoDelete();
          return true;
        case 'm':
        case 'M':
          if (shift) controller.mergeWithNext();
          else controller.changeType('markdown');
          return true;
        case 'y':
        case 'Y':
          controller.changeType('code');
          return true;
        case 'r':
        case 'R':
          controller.changeType('raw');
          return true;
        case 'j':
        case 'J':
        case 'ArrowDown':
          controller.selectRelative(1);
          return true;
        case 'k':
        case 'K':
        case 'ArrowUp':
          controller.selectRelative(-1);
          return true;
        case 'o':
        case 'O':
          controller.toggleCollapse('output');
          return true;
        case 'i':
        case 'I':
          if (isDoublePress('i')) kernel?.interrupt();
          return true;
        case '0':
          if (isDoublePress('0')) kernel?.restart();
          return true;
        case '?':
        case 'h':
        case 'H':
          appStore.set({ dialog: 'shortcuts' });
          return true;
        default:
          return false;
      }
    };

    const scrollSelectedIntoView = () => {
      const id = controller.ui.get().selectedCellId;
      const element = id ? containerRef.current?.querySelector(`[data-cell-id="${id}"]`) : null;
      element?.scrollIntoView({ block: 'nearest' });
    };

    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [controller, containerRef, kernel]);

  // Leaving an editor (Esc) hands focus to the notebook so command keys reach it without a click.
  useEffect(
    () =>
      controller.ui.subscribe(() => {
        if (controller.ui.get().mode === 'command' && isTypingTarget(document.activeElement)) {
          (document.activeElement as HTMLElement).blur();
          containerRef.current?.focus({ preventScroll: true });
        }
      }),
    [controller, containerRef],
  );
}
