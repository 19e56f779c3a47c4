import { useRef, useState } from 'react';
import type { Run } from '../../core/tracking/types';
import { parseTagInput } from '../../core/tracking/run-annotations';
import { tagEntries } from './format-run';

type Props = {
  run: Run;
  onAdd(text: string): Promise<boolean>;
  onRemove(key: string): void;
};

/** A run's tags as chips with ×, and "+ tag" that opens a box for `label` or `key=value`. */
export function RunTagsCell({ run, onAdd, onRemove }: Props) {
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const isFinished = useRef(false);
  const open = () => {
    isFinished.current = false;
    setProblem(null);
    setText('');
  };
  const close = () => {
    isFinished.current = true;
    setText(null);
  };
  const add = async (keepOpenIfInvalid: boolean) => {
    if (isFinished.current || text === null) return;
    if (text.trim() === '') return close();
    const parsed = parseTagInput(text);
    if (!parsed.ok) return keepOpenIfInvalid ? setProblem(parsed.message) : close();
    isFinished.current = true;
    if (await onAdd(text)) setText(null);
    else isFinished.current = false;
  };

  return (
    <div className="run-tags" data-testid="run-tags">
      {tagEntries(run.tags).map(({ key, label, title }) => (
        <span key={key} className="tag-chip" title={title} data-testid="tag-chip" data-key={key}>
          {label}
          <button type="button" className="tag-remove" aria-label={`Remove tag ${key}`} onClick={() => onRemove(key)}>×</button>
        </span>
      ))}
      {text === null ? (
        <button type="button" className="tag-add" aria-label={`Add a tag to ${run.name}`} data-testid="tag-add" onClick={open}>+ tag</button>
      ) : (
        <>
          <input
            className={`tag-input ${problem ? 'has-error' : ''}`}
            aria-label={`New tag for ${run.name}`}
            aria-invalid={problem !== null}
            placeholder="tag or key=value"
            data-testid="tag-input"
            value={text}
            autoFocus
            onChange={(event) => {
              setText(event.target.value);
              setProblem(null);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') void add(true);
              if (event.key === 'Escape') close();
            }}
            onBlur={() => void add(false)}
          />
          {problem && <span className="inline-problem" role="alert">{problem}</span>}
        </>
      )}
    </div>
  );
}
