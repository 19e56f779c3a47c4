import { useRef, useState } from 'react';

/** What to do with the text when the user commits it. */
export type InlineVerdict =
  /** Store it through onCommit. */
  | { readonly kind: 'commit' }
  /** Nothing to store (unchanged, or empty where that means "never mind"): just close. */
  | { readonly kind: 'close' }
  /** Refused: on Enter the reason shows beside the box; leaving the box drops the edit. */
  | { readonly kind: 'invalid'; readonly message: string };

type Props = {
  initial: string;
  judge(text: string): InlineVerdict;
  /** Resolves false when the text could not be stored: the box stays open. */
  onCommit(text: string): Promise<boolean>;
  onClose(): void;
  className: string;
  ariaLabel: string;
  testId: string;
  problemTestId?: string;
  placeholder?: string;
  selectOnFocus?: boolean;
};

/**
 * A one-line edit box in a table cell: Enter (or leaving the box) commits, Esc cancels. The rename
 * and the tag boxes of the runs table share this behaviour.
 */
export function InlineInput({ initial, judge, onCommit, onClose, className, ariaLabel, testId, problemTestId, placeholder, selectOnFocus = false }: Props) {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  // Enter or Esc ends the edit; the blur that follows when the box goes away must not commit again.
  const isFinished = useRef(false);
  const close = () => {
    isFinished.current = true;
    onClose();
  };
  const commit = async (isEnter: boolean) => {
    if (isFinished.current) return;
    const verdict = judge(text);
    if (verdict.kind === 'close') return close();
    if (verdict.kind === 'invalid') return isEnter ? setProblem(verdict.message) : close();
    isFinished.current = true;
    if (await onCommit(text)) onClose();
    else isFinished.current = false;
  };
  return (
    <>
      <input
        className={`${className} ${problem ? 'has-error' : ''}`}
        aria-label={ariaLabel}
        aria-invalid={problem !== null}
        data-testid={testId}
        placeholder={placeholder}
        value={text}
        autoFocus
        onFocus={selectOnFocus ? (event) => event.currentTarget.select() : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void commit(true);
          if (event.key === 'Escape') close();
        }}
        onBlur={() => void commit(false)}
      />
      {problem && <span className="inline-problem" role="alert" data-testid={problemTestId}>{problem}</span>}
    </>
  );
}
