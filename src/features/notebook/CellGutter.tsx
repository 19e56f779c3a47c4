import type { DragEvent } from 'react';
import type { Cell } from '../../core/notebook/types';

const formatDuration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

/** Execution count, run state and duration, and the drag handle, like Jupyter's prompt column. */
export function CellGutter({ cell, isRunning, onDragStart }: { cell: Cell; isRunning: boolean; onDragStart(event: DragEvent): void }) {
  const lastRun = cell.type === 'code' ? cell.lastRun : undefined;
  const prompt = cell.type !== 'code' ? '' : isRunning ? '[*]' : `[${cell.executionCount ?? ' '}]`;
  const state = isRunning ? 'running' : (lastRun?.status ?? 'idle');
  return (
    <div className="cell-gutter" data-state={state}>
      <span className="drag-handle" draggable onDragStart={onDragStart} title="Drag to reorder" aria-label="Drag to reorder">⋮⋮</span>
      <span className="execution-count" data-testid="execution-count">{prompt}</span>
      {lastRun && !isRunning && (
        <span className="run-duration" title={`Started ${new Date(lastRun.startedAt).toLocaleString()}`}>
          {lastRun.status === 'ok' ? '✓' : lastRun.status === 'error' ? '✗' : '■'} {formatDuration(lastRun.durationMs)}
        </span>
      )}
    </div>
  );
}
