import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { Run } from '../../core/tracking/types';
import { useServices } from '../../app/services';
import { saveRunNotes } from '../../state/run-annotations';
import { noteSummary } from './format-run';

type EditorProps = { run: Run; onClose(): void };

/** The note's text box: Save or Ctrl+Enter stores it, Cancel or Esc leaves it as it was. */
function NoteEditor({ run, onClose }: EditorProps) {
  const { runAnnotations } = useServices();
  const [text, setText] = useState(run.notes);
  const save = async () => {
    if (text === run.notes || (runAnnotations && (await saveRunNotes(runAnnotations, run.id, text)))) onClose();
  };
  return (
    <form
      className="note-editor"
      data-testid="note-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <textarea
        aria-label={`Note for ${run.name}`}
        data-testid="note-text"
        value={text}
        rows={5}
        autoFocus
        placeholder="What was tried, what was learned…"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void save();
          if (event.key === 'Escape') onClose();
        }}
      />
      <div className="note-actions">
        <span className="note-hint">Ctrl+Enter saves · Esc cancels</span>
        <button type="button" className="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="button primary" data-testid="note-save">Save note</button>
      </div>
    </form>
  );
}

/** The notes column: the first line of the note; a click opens the editor over the table. */
export function RunNotesCell({ run }: { run: Run }) {
  const [anchor, setAnchor] = useState<DOMRect | null>(null);
  const popover = useRef<HTMLDivElement>(null);
  const { line, isCut } = noteSummary(run.notes);
  useEffect(() => {
    if (!anchor) return;
    // A click elsewhere closes the editor, as leaving a cell does in a spreadsheet (nothing is saved).
    const closeOutside = (event: PointerEvent) => popover.current?.contains(event.target as Node) || setAnchor(null);
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [anchor]);
  // Fixed, so the table's scroll box does not clip it; opens upwards near the bottom of the window.
  const position: CSSProperties | undefined = anchor
    ? anchor.bottom + 220 > innerHeight
      ? { left: anchor.left, bottom: innerHeight - anchor.top + 4 }
      : { left: anchor.left, top: anchor.bottom + 4 }
    : undefined;
  return (
    <>
      <button
        type="button"
        className={`note-cell ${line === '' ? 'is-empty' : ''}`}
        title={run.notes || 'Add a note'}
        aria-label={line === '' ? `Add a note to ${run.name}` : `Edit the note of ${run.name}`}
        data-testid="note-cell"
        onClick={(event) => setAnchor(event.currentTarget.getBoundingClientRect())}
      >
        {line === '' ? '+ note' : `${line}${isCut ? ' …' : ''}`}
      </button>
      {anchor && (
        <div ref={popover} className="note-popover" style={position} role="dialog" aria-label={`Note for ${run.name}`}>
          <NoteEditor run={run} onClose={() => setAnchor(null)} />
        </div>
      )}
    </>
  );
}

/** A run record's note (compare panel): the whole text, and Edit note. */
export function RunNotes({ run }: { run: Run }) {
  const [isEditing, setIsEditing] = useState(false);
  if (isEditing) return <NoteEditor run={run} onClose={() => setIsEditing(false)} />;
  return (
    <div className="run-notes" data-testid="run-notes">
      {run.notes === '' ? <span className="muted">No note yet.</span> : <p className="run-notes-text">{run.notes}</p>}
      <button type="button" className="button" data-testid="edit-note" onClick={() => setIsEditing(true)}>{run.notes === '' ? 'Add note' : 'Edit note'}</button>
    </div>
  );
}
