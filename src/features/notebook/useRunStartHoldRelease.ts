import { useEffect } from 'react';
import type { RunStartHold } from '../../state/run-start-hold';

/**
 * Input that arrives while a run command's visible start is held (see RunStartHold) releases it
 * before anything else sees the input, so a key pressed right after Ctrl+Enter works in command
 * mode, and a click lands on the state it was aimed at.
 */
export function useRunStartHoldRelease(hold: RunStartHold): void {
  useEffect(() => {
    const release = (event: Event) => {
      if (!hold.isHolding) return;
      hold.release();
      // The key was headed for the editor the run command left: it belongs where the focus went.
      const focused = document.activeElement;
      if (event instanceof KeyboardEvent && event.target instanceof Node && focused && !event.target.contains(focused)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        focused.dispatchEvent(new KeyboardEvent(event.type, event));
      }
    };
    const options = { capture: true };
    window.addEventListener('keydown', release, options);
    window.addEventListener('pointerdown', release, options);
    return () => {
      window.removeEventListener('keydown', release, options);
      window.removeEventListener('pointerdown', release, options);
    };
  }, [hold]);
}
