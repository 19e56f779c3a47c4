import type { CellId, NotebookId } from '../../lib/ids';
import type { CellOutput } from '../outputs';

export type RunStatus = 'ok' | 'error' | 'interrupted';

export type LastRun = {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: RunStatus;
};

/** Metadata we do not interpret but must keep, so imported notebooks round-trip without loss. */
export type ForeignMetadata = Readonly<Record<string, unknown>>;

export type CodeCell = {
  readonly id: CellId;
  readonly type: 'code';
  readonly source: string;
  readonly outputs: readonly CellOutput[];
  readonly executionCount: number | null;
  readonly lastRun?: LastRun;
  readonly isInputCollapsed?: boolean;
  readonly isOutputCollapsed?: boolean;
  readonly metadata?: ForeignMetadata;
};

export type MarkdownCell = {
  readonly id: CellId;
  readonly type: 'markdown';
  readonly source: string;
  readonly metadata?: ForeignMetadata;
  /** nbformat attachments (inline images) kept verbatim. */
  readonly attachments?: ForeignMetadata;
};

/** nbformat "raw" cells: text passed through untouched. */
export type RawCell = {
  readonly id: CellId;
  readonly type: 'raw';
  readonly source: string;
  readonly metadata?: ForeignMetadata;
  /** nbformat allows attachments on raw cells too; kept verbatim so imports round-trip. */
  readonly attachments?: ForeignMetadata;
};

export type Cell = CodeCell | MarkdownCell | RawCell;
export type CellType = Cell['type'];

export type Notebook = {
  readonly id: NotebookId;
  readonly name: string;
  /** Language of the code cells: 'typescript' for Kiln's own; imported Jupyter notebooks keep theirs (e.g. 'python') and are read-only in the kernel. */
  readonly language: string;
  readonly cells: readonly Cell[];
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Notebook-level metadata from an imported .ipynb, kept for lossless export. */
  readonly metadata?: ForeignMetadata;
};
