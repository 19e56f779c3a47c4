/**
 * The nbformat 4 JSON shapes Kiln writes, and the names it reserves inside them. Reading goes
 * through validation (import.ts) because files on disk can hold anything.
 */

export const NBFORMAT = 4;
/** 4.5 added cell ids, which Kiln always writes. */
export const NBFORMAT_MINOR = 5;

/** Kiln's own fields go under this key in notebook, cell and output metadata. */
export const KILN_METADATA_KEY = 'kiln';

/** The exact display bundle, so an import restores what the kernel produced, not a lossy mime rendering. */
export const KILN_DISPLAY_MIME = 'application/vnd.kiln.display+json';
/**
 * Where the metadata of an imported output (e.g. image sizes) is kept inside its `mime` bundle,
 * because Kiln's DisplayOutput has no metadata of its own. Export moves it back out.
 */
export const OUTPUT_METADATA_MIME = 'application/vnd.kiln.output-metadata+json';
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Keys in alphabetical order, as Jupyter writes them. */
export const KILN_KERNELSPEC = { display_name: 'TypeScript (Kiln)', language: 'typescript', name: 'kiln-typescript' } as const;
export const KILN_LANGUAGE_INFO = { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' } as const;

/** nbformat 4.5 cell ids: 1 to 64 characters of letters, digits, '-' and '_'. */
export const CELL_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export type JsonObject = { [key: string]: unknown };
/** On disk, long text may be one string or a list of lines that are joined with ''. */
export type MultilineString = string | string[];
export type MimeBundle = { [mime: string]: unknown };

export type IpynbStreamOutput = { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString };
export type IpynbErrorOutput = { output_type: 'error'; ename: string; evalue: string; traceback: string[] };
export type IpynbDisplayDataOutput = { output_type: 'display_data'; data: MimeBundle; metadata: JsonObject };
export type IpynbExecuteResultOutput = {
  output_type: 'execute_result';
  data: MimeBundle;
  metadata: JsonObject;
  execution_count: number | null;
};
export type IpynbOutput = IpynbStreamOutput | IpynbErrorOutput | IpynbDisplayDataOutput | IpynbExecuteResultOutput;

export type IpynbCodeCell = {
  cell_type: 'code';
  execution_count: number | null;
  id: string;
  metadata: JsonObject;
  outputs: IpynbOutput[];
  source: MultilineString;
};
export type IpynbMarkdownCell = {
  attachments?: JsonObject;
  cell_type: 'markdown';
  id: string;
  metadata: JsonObject;
  source: MultilineString;
};
export type IpynbRawCell = {
  attachments?: JsonObject;
  cell_type: 'raw';
  id: string;
  metadata: JsonObject;
  source: MultilineString;
};
export type IpynbCell = IpynbCodeCell | IpynbMarkdownCell | IpynbRawCell;

export type IpynbNotebook = {
  cells: IpynbCell[];
  metadata: JsonObject;
  nbformat: typeof NBFORMAT;
  nbformat_minor: number;
};

/** JSON mime types hold structured values on disk; every other type holds (possibly split) text. */
export function isJsonMime(mime: string): boolean {
  return /^application\/(.+\+)?json$/.test(mime);
}

/** Jupyter splits these into lines on save (text/* plus two textual non-text types). */
export function isSplitMime(mime: string): boolean {
  return !isJsonMime(mime) && (mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript');
}
