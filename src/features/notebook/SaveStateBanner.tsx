import type { NotebookController } from '../../state/notebook-controller';
import { useStore } from '../../state/create-store';

const MESSAGES = {
  'other-tab': 'This notebook is open in another tab. It is read-only here so the two tabs cannot overwrite each other.',
  'taken-over': 'Another tab took this notebook over. It is read-only here now; edits are saved by the other tab.',
  conflict: 'This notebook was changed in another tab since this tab loaded it. It is read-only here so nothing is overwritten.',
} as const;

/** Why this tab is not saving: a failed write (e.g. storage full), or another tab owns the notebook. */
export function SaveStateBanner({ controller }: { controller: NotebookController }) {
  const save = useStore(controller.session.store, (state) => state.save);
  if (save.status === 'failed') {
    return (
      <div className="banner error" role="alert" data-testid="save-failed-banner">
        {save.message} Your edits stay on screen; Kiln saves them with your next edit once there is room.
      </div>
    );
  }
  if (save.status !== 'read-only') return null;
  return (
    <div className="banner warning" role="status" data-testid="read-only-banner">
      <span>{MESSAGES[save.reason]}</span>
      <button type="button" className="button" data-testid="take-over" onClick={() => void controller.session.takeOver()}>
        Edit here instead
      </button>
    </div>
  );
}
