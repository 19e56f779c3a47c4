import type { Run } from '../../core/tracking/types';
import { checkRunName } from '../../core/tracking/run-annotations';
import { InlineInput, type InlineVerdict } from './InlineInput';

type Props = { run: Run; onSave(name: string): Promise<boolean>; onClose(): void };

/**
 * Inline rename: Enter (or leaving the box) saves, Esc cancels. An empty name is refused on Enter
 * with the reason beside the box; leaving the box with one keeps the old name.
 */
export function RunNameEditor({ run, onSave, onClose }: Props) {
  const judge = (text: string): InlineVerdict => {
    const checked = checkRunName(text);
    if (!checked.ok) return { kind: 'invalid', message: checked.message };
    return checked.value === run.name ? { kind: 'close' } : { kind: 'commit' };
  };
  return (
    <span className="run-name-editor">
      <InlineInput
        initial={run.name}
        judge={judge}
        onCommit={(text) => onSave(text.trim())}
        onClose={onClose}
        className="run-name-input"
        ariaLabel={`New name for ${run.name}`}
        testId="run-name-input"
        problemTestId="run-name-problem"
        selectOnFocus
      />
    </span>
  );
}
