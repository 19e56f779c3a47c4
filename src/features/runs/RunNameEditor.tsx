import { useRef, useState } from 'react';
import type { Run } from '../../core/tracking/types';
import { checkRunName } from '../../core/tracking/run-annotations';

type Props = { run: Run; onSave(name: string): Promise<boolean>; onClose(): void };

/**
 * Inline rename: Enter (or leaving the box) saves, Esc cancels. An empty name is refused on Enter
 * with the reason beside the box; leaving the box with one keeps the old name.
 */
export function RunNameEditor({ run, onSave, onClose }: Props) {
  const [text, setText] = useState(run.name);
  const [problem, setProblem] = useState<string | null>(null);
  // Enter or Esc ends the edit; the blur that follows when the box goes away must not save again.
  const isFinished = useRef(false);
  const close = () => {
    isFinished.current = true;
    onClose();
  };
  const save = async (keepOpenIfInvalid: boolean) => {
    if (isFinished.current) return;
    const checked = checkRunName(text);
    if (!checked.ok) return keepOpenIfInvalid ? setProblem(checked.message) : close();
    isFinished.current = true;
    if (checked.value === run.name || (await onSave(checked.value))) onClose();
    else isFinished.current = false;
  };
  return (
    <span className="run-name-editor">
      <input
        className={`run-name-input ${problem ? 'has-error' : ''}`}
        aria-label={`New name for ${run.name}`}
        aria-invalid={problem !== null}
        data-testid="run-name-input"
        value={text}
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void save(true);
          if (event.key === 'Escape') close();
        }}
        onBlur={() => void save(false)}
      />
      {problem && <span className="inline-problem" role="alert" data-testid="run-name-problem">{problem}</span>}
    </span>
  );
}
