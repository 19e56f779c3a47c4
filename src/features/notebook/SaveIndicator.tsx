import type { NotebookSession, SaveState } from '../../state/notebook-session';
import { useStore } from '../../state/create-store';
import { assertNever } from '../../lib/invariant';

function describe(save: SaveState): { text: string; tone: 'ok' | 'busy' | 'warn' | 'error'; title?: string } {
  switch (save.status) {
    case 'saved':
      return { text: 'Saved', tone: 'ok', title: `Saved in this browser at ${new Date(save.at).toLocaleTimeString()}` };
    case 'pending':
    case 'saving':
      return { text: 'Saving…', tone: 'busy' };
    case 'failed':
      return { text: 'Not saved', tone: 'error', title: save.message };
    case 'memory-only':
      return { text: 'Not saved (storage unavailable)', tone: 'error', title: save.message };
    case 'read-only':
      return { text: 'Read-only', tone: 'warn' };
    default:
      return assertNever(save, 'save state');
  }
}

/** Subscribes by itself: the save state changes on every edit, and the header around it need not re-render. */
export function SaveIndicator({ session }: { session: NotebookSession }) {
  const save = useStore(session.store, (state) => state.save);
  const { text, tone, title } = describe(save);
  return (
    <span className={`save-indicator tone-${tone}`} data-testid="save-indicator" data-status={save.status} title={title} role="status">
      <span className="dot" aria-hidden /> {text}
    </span>
  );
}
