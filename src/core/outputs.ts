/**
 * What a cell shows. The kernel worker produces these as plain JSON ("display bundles"); the
 * main thread renders them, the store persists them and .ipynb export maps them to mime bundles.
 */

export type TableColumn = { readonly name: string; readonly dtype: string };

export type DisplayBundle =
  /** A plain-text representation (numbers, strings, objects without a richer view). */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'markdown'; readonly markdown: string }
  /** Untrusted HTML: always sanitized before it reaches the DOM. */
  | { readonly kind: 'html'; readonly html: string }
  /** A JSON-able value shown as an expandable tree. */
  | { readonly kind: 'json'; readonly value: unknown }
  /** A danfo DataFrame or Series: the first rows, with the full shape. */
  | {
      readonly kind: 'table';
      readonly columns: readonly TableColumn[];
      readonly index: readonly (string | number)[];
      readonly rows: readonly (readonly unknown[])[];
      /** [rows, columns] of the whole frame, of which `rows` may be a prefix. */
      readonly shape: readonly [number, number];
      readonly isSeries: boolean;
    }
  | {
      readonly kind: 'tensor';
      readonly shape: readonly number[];
      readonly dtype: string;
      /** numpy-style text of the values, summarised with "..." when large. */
      readonly preview: string;
      readonly size: number;
    }
  /** A plotly figure; rendered with plotly.js on the main thread. */
  | { readonly kind: 'plotly'; readonly data: readonly unknown[]; readonly layout: Record<string, unknown> }
  | { readonly kind: 'image'; readonly mime: 'image/png' | 'image/jpeg'; readonly base64: string; readonly width: number; readonly height: number }
  | {
      readonly kind: 'model';
      readonly name: string;
      readonly layers: readonly { readonly name: string; readonly type: string; readonly outputShape: string; readonly params: number }[];
      readonly totalParams: number;
      readonly trainableParams: number;
    }
  /** Live training progress; updated in place through its display id. */
  | {
      readonly kind: 'progress';
      readonly label: string;
      readonly epoch: number;
      readonly epochs: number;
      readonly batch: number;
      readonly batchesPerEpoch: number;
      readonly elapsedMs: number;
      readonly history: Readonly<Record<string, readonly number[]>>;
      readonly state: 'running' | 'done' | 'stopped';
    }
  /** An output imported from another notebook tool, kept verbatim as its mime bundle (read only). */
  | { readonly kind: 'mime'; readonly data: Readonly<Record<string, unknown>> };

export type DisplayKind = DisplayBundle['kind'];

/** Every display kind, for checking bundles that come from files or user code. */
export const DISPLAY_KINDS = ['text', 'markdown', 'html', 'json', 'table', 'tensor', 'plotly', 'image', 'model', 'progress', 'mime'] as const satisfies readonly DisplayKind[];

export type StreamOutput = { readonly type: 'stream'; readonly name: 'stdout' | 'stderr'; readonly text: string };

export type DisplayOutput = {
  readonly type: 'display';
  readonly bundle: DisplayBundle;
  /** Outputs with the same display id are replaced in place (live progress, updated charts). */
  readonly displayId?: string;
  /** True for the value of the cell's last expression (Jupyter's execute_result). */
  readonly isResult?: boolean;
};

export type ErrorOutput = {
  readonly type: 'error';
  readonly name: string;
  readonly message: string;
  /** 1-based position in the cell's own TypeScript source, when the error came from it. */
  readonly line?: number;
  readonly column?: number;
  /** Stack frames already trimmed to the user's code, one per line. */
  readonly traceback: readonly string[];
};

export type CellOutput = StreamOutput | DisplayOutput | ErrorOutput;
