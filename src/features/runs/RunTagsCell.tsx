import { useState } from 'react';
import type { Run } from '../../core/tracking/types';
import { parseTagInput } from '../../core/tracking/run-annotations';
import { tagEntries } from './format-run';
import { InlineInput, type InlineVerdict } from './InlineInput';

type Props = {
  run: Run;
  onAdd(text: string): Promise<boolean>;
  onRemove(key: string): void;
};

/** A run's tags as chips with ×, and "+ tag" that opens a box for `label` or `key=value`. */
export function RunTagsCell({ run, onAdd, onRemove }: Props) {
  const [isAdding, setIsAdding] = useState(false);
  const judge = (text: string): InlineVerdict => {
    if (text.trim() === '') return { kind: 'close' };
    const parsed = parseTagInput(text);
    return parsed.ok ? { kind: 'commit' } : { kind: 'invalid', message: parsed.message };
  };

  return (
    <div className="run-tags" data-testid="run-tags">
      {tagEntries(run.tags).map(({ key, label, title }) => (
        <span key={key} className="tag-chip" title={title} data-testid="tag-chip" data-key={key}>
          {label}
          <button type="button" className="tag-remove" aria-label={`Remove tag ${key}`} onClick={() => onRemove(key)}>×</button>
        </span>
      ))}
      {isAdding ? (
        <InlineInput
          initial=""
          judge={judge}
          onCommit={onAdd}
          onClose={() => setIsAdding(false)}
          className="tag-input"
          ariaLabel={`New tag for ${run.name}`}
          testId="tag-input"
          placeholder="tag or key=value"
        />
      ) : (
        <button type="button" className="tag-add" aria-label={`Add a tag to ${run.name}`} data-testid="tag-add" onClick={() => setIsAdding(true)}>+ tag</button>
      )}
    </div>
  );
}
