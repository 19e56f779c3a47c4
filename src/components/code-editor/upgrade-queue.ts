/**
 * Plain editors switch to Monaco one per task, the focused one first. Creating a Monaco instance
 * costs tens of milliseconds; a notebook with a dozen cells on screen switching in one React
 * commit would hold the main thread for most of a second, and the user's keystrokes with it.
 */

type Upgrade = { readonly start: () => void; readonly isFocused: () => boolean };

/** Long enough for the browser to render the previous switch and handle input in between. */
const PAUSE_BETWEEN_MS = 16;

const waiting: Upgrade[] = [];
let isPumping = false;

function pump(): void {
  if (waiting.length === 0) {
    isPumping = false;
    return;
  }
  const focused = waiting.findIndex((upgrade) => upgrade.isFocused());
  const [next] = waiting.splice(Math.max(focused, 0), 1);
  next?.start();
  setTimeout(pump, PAUSE_BETWEEN_MS);
}

/** Queues an editor's switch; returns a function that takes it off the queue (the editor unmounted). */
export function queueEditorUpgrade(start: () => void, isFocused: () => boolean): () => void {
  const upgrade: Upgrade = { start, isFocused };
  waiting.push(upgrade);
  if (!isPumping) {
    isPumping = true;
    setTimeout(pump, 0);
  }
  return () => {
    const index = waiting.indexOf(upgrade);
    if (index >= 0) waiting.splice(index, 1);
  };
}
