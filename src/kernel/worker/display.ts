/**
 * Turns any value a cell produces into a DisplayBundle: the JSON the worker posts to the main
 * thread for `display(x)` and for a cell's last expression. Everything here must survive
 * structured clone, JSON persistence and .ipynb export, so NaN, cycles, typed arrays and class
 * instances are all converted, and nothing a user owns (tensors above all) is disposed or changed.
 *
 * `toDisplayBundle` is async because images are PNG-encoded with async browser APIs
 * (OffscreenCanvas.convertToBlob, CompressionStream) and `toDisplay()` hooks may return promises.
 */
import * as tf from '@tensorflow/tfjs';
import { DISPLAY_KINDS, type DisplayBundle, type TableColumn } from '../../core/outputs';
import { assertNever } from '../../lib/invariant';

// ---------------------------------------------------------------------------------------------
// Public helpers exposed to cells

/** An object that chooses how it is shown. `toDisplay()` may return a DisplayBundle or any value. */
export type DisplayHook = { toDisplay(): unknown };

/** What `md`, `html` and `image` return: a value whose only job is to be displayed. */
class RichOutput implements DisplayHook {
  constructor(
    private readonly render: () => DisplayBundle | Promise<DisplayBundle>,
    private readonly description: string,
  ) {}

  toDisplay(): DisplayBundle | Promise<DisplayBundle> {
    return this.render();
  }

  /** Shown if a user prints the marker instead of displaying it. */
  toString(): string {
    return this.description;
  }
}

/** Markdown, rendered (and sanitised) by the main thread. */
export function md(text: string): DisplayHook {
  const markdown = String(text);
  return new RichOutput(() => ({ kind: 'markdown', markdown }), `md(${JSON.stringify(markdown.slice(0, 40))})`);
}

/** Untrusted HTML, sanitised by the main thread before it reaches the DOM. */
export function html(text: string): DisplayHook {
  const source = String(text);
  return new RichOutput(() => ({ kind: 'html', html: source }), `html(${JSON.stringify(source.slice(0, 40))})`);
}

export type ImageSource = tf.Tensor | ImageData | OffscreenCanvas;

/**
 * Marks a value to be shown as a picture: a tensor of shape [height, width] or
 * [height, width, 1 | 3 | 4] (float32 in [0, 1] or int32 in [0, 255], as tf.browser.toPixels
 * expects), an ImageData or an OffscreenCanvas. A tensor's pixels are read right away, so the
 * user may dispose it as soon as this returns; it is never disposed here.
 */
export function image(source: ImageSource): DisplayHook {
  if (source instanceof tf.Tensor) {
    checkImageTensor(source);
    const bundle = tensorToImage(source);
    bundle.catch(() => undefined); // reported when displayed; never an unhandled rejection here
    return new RichOutput(() => bundle, `image(Tensor [${source.shape.join(', ')}])`);
  }
  if (isImageData(source) || isOffscreenCanvas(source)) {
    return new RichOutput(() => imageToBundle(source), `image(${source.width}x${source.height})`);
  }
  throw new TypeError(
    'image() expects a tf.Tensor of shape [height, width] or [height, width, 1|3|4], an ImageData or an OffscreenCanvas',
  );
}

// ---------------------------------------------------------------------------------------------
// The serialiser

/** Rows of a DataFrame sent to the main thread; the shape still reports the whole frame. */
export const MAX_TABLE_ROWS = 1000;
/** Nested toDisplay() hooks deeper than this are a bug in the user's hook, not a display. */
const MAX_HOOK_NESTING = 8;

export async function toDisplayBundle(value: unknown): Promise<DisplayBundle> {
  return bundleFor(value, 0);
}

async function bundleFor(value: unknown, hookNesting: number): Promise<DisplayBundle> {
  if (hasDisplayHook(value)) {
    if (hookNesting >= MAX_HOOK_NESTING) {
      throw new Error(`toDisplay() hooks returned other hooks ${MAX_HOOK_NESTING} levels deep; return a value instead`);
    }
    const shown: unknown = await value.toDisplay();
    return asDisplayBundle(shown) ?? bundleFor(shown, hookNesting + 1);
  }
  if (isPlotlyFigureLike(value)) return asDisplayBundle(value) ?? jsonBundle(value);
  if (isDanfoFrame(value)) return frameToTable(value);
  if (value instanceof tf.Tensor) return tensorToBundle(value);
  if (value instanceof tf.LayersModel) return modelToBundle(value);
  if (isImageData(value) || isOffscreenCanvas(value)) return imageToBundle(value);
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (value instanceof Error) return { kind: 'text', text: describeError(value) };
  if (typeof value !== 'object' || value === null) return { kind: 'text', text: describePrimitive(value) };
  return jsonBundle(value);
}

function jsonBundle(value: unknown): DisplayBundle {
  return { kind: 'json', value: toJsonSafe(value) };
}

function hasDisplayHook(value: unknown): value is DisplayHook {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<DisplayHook>).toDisplay === 'function'
  );
}

function isPlotlyFigureLike(value: unknown): boolean {
  return isRecord(value) && value['kind'] === 'plotly';
}

// ---------------------------------------------------------------------------------------------
// Bundles returned by hooks (and plotly figures) are checked, because they come from user code

const DISPLAY_KIND_SET: ReadonlySet<string> = new Set(DISPLAY_KINDS);

/**
 * The value as a DisplayBundle when it has the fields its kind needs, else null. Values that could
 * hide NaN or typed arrays (json, plotly) are made JSON-safe on the way through.
 */
export function asDisplayBundle(value: unknown): DisplayBundle | null {
  if (!isRecord(value) || typeof value['kind'] !== 'string' || !DISPLAY_KIND_SET.has(value['kind'])) return null;
  const candidate = value as DisplayBundle;
  switch (candidate.kind) {
    case 'text':
      return typeof candidate.text === 'string' ? candidate : null;
    case 'markdown':
      return typeof candidate.markdown === 'string' ? candidate : null;
    case 'html':
      return typeof candidate.html === 'string' ? candidate : null;
    case 'json':
      return 'value' in candidate ? { kind: 'json', value: toJsonSafe(candidate.value) } : null;
    case 'plotly':
      return Array.isArray(candidate.data) ? normalisePlotlyFigure(candidate.data, candidate.layout) : null;
    case 'table':
      return Array.isArray(candidate.columns) && Array.isArray(candidate.rows) && Array.isArray(candidate.index)
        ? candidate
        : null;
    case 'tensor':
      return typeof candidate.preview === 'string' && Array.isArray(candidate.shape) ? candidate : null;
    case 'image':
      return typeof candidate.base64 === 'string' && (candidate.mime === 'image/png' || candidate.mime === 'image/jpeg')
        ? candidate
        : null;
    case 'model':
      return Array.isArray(candidate.layers) ? candidate : null;
    case 'progress':
      return typeof candidate.label === 'string' ? candidate : null;
    case 'mime':
      return isRecord(candidate.data) ? candidate : null;
    default:
      return assertNever(candidate, 'display kind');
  }
}

export type PlotlyFigure = Extract<DisplayBundle, { kind: 'plotly' }>;

/** Plot data must stay numeric for plotly: NaN and missing values become null (a gap), typed arrays plain arrays. */
export function normalisePlotlyFigure(data: readonly unknown[], layout: unknown): PlotlyFigure {
  const figure = toJsonSafe({ data, layout: isRecord(layout) ? layout : {} }, PLOT_DATA_LIMITS) as {
    data: unknown[];
    layout: Record<string, unknown>;
  };
  return { kind: 'plotly', data: figure.data, layout: figure.layout };
}

// ---------------------------------------------------------------------------------------------
// Plain text (Node-like)

export function describePrimitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'function':
      return describeFunction(value);
    case 'object':
      return value === null ? 'null' : Object.prototype.toString.call(value);
    default:
      return assertNever(typeof value as never, 'typeof');
  }
}

/** `[Function: f]`, `[AsyncFunction: f]`, `[class A extends B]`, as Node's inspector writes them. */
function describeFunction(fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  if (/^class\b/.test(source)) {
    const parent: unknown = Object.getPrototypeOf(fn);
    const extendsClause = typeof parent === 'function' && parent.name ? ` extends ${parent.name}` : '';
    return `[class ${fn.name || '(anonymous)'}${extendsClause}]`;
  }
  const kind = (Object.getPrototypeOf(fn) as { constructor?: { name?: string } } | null)?.constructor?.name || 'Function';
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

function describeError(error: Error): string {
  const name = error.name || 'Error';
  return error.message ? `${name}: ${error.message}` : name;
}

// ---------------------------------------------------------------------------------------------
// JSON-safe conversion

export type JsonLimits = {
  /** Deeper objects are replaced by a short description such as "[Object]". */
  readonly maxDepth: number;
  /** Longer arrays and objects are cut, with a note saying how many entries were left out. */
  readonly maxItems: number;
  /**
   * 'describe' keeps what JSON cannot hold as readable strings ("NaN", "10n", "undefined") for
   * people; 'null' writes null instead, for data that a chart reads as numbers.
   */
  readonly unrepresentable: 'describe' | 'null';
};

export const DISPLAY_JSON_LIMITS: JsonLimits = { maxDepth: 10, maxItems: 1000, unrepresentable: 'describe' };
export const PLOT_DATA_LIMITS: JsonLimits = { maxDepth: 32, maxItems: Infinity, unrepresentable: 'null' };

/**
 * A structured-clone- and JSON-safe copy of any value: cycles become "[Circular]", Map becomes an
 * object (string keys) or a list of [key, value] pairs, Set and typed arrays become arrays, Date an
 * ISO string, and tensors or DataFrames inside objects a one-line description.
 */
export function toJsonSafe(value: unknown, limits: JsonLimits = DISPLAY_JSON_LIMITS): unknown {
  return new JsonConverter(limits).convert(value, 0);
}

class JsonConverter {
  private readonly ancestors = new Set<object>();

  constructor(private readonly limits: JsonLimits) {}

  convert(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : this.unrepresentable(String(value));
      case 'bigint':
        return this.limits.unrepresentable === 'null' ? Number(value) : `${value}n`;
      case 'undefined':
      case 'symbol':
      case 'function':
        return this.unrepresentable(describePrimitive(value));
      case 'object':
        return value === null ? null : this.convertObject(value, depth);
      default:
        return assertNever(typeof value as never, 'typeof');
    }
  }

  private unrepresentable(description: string): string | null {
    return this.limits.unrepresentable === 'describe' ? description : null;
  }

  private convertObject(value: object, depth: number): unknown {
    const leaf = this.describeLeaf(value);
    if (leaf !== undefined) return leaf;
    if (this.ancestors.has(value)) return '[Circular]';
    if (depth >= this.limits.maxDepth) return this.unrepresentable(Array.isArray(value) ? '[Array]' : '[Object]');
    this.ancestors.add(value);
    try {
      return this.convertContainer(value, depth + 1);
    } finally {
      this.ancestors.delete(value);
    }
  }

  /** Objects shown as a single value, or undefined for containers to walk into. */
  private describeLeaf(value: object): unknown {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof Error) return describeError(value);
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return this.unrepresentable('[Promise] (did you forget `await`?)');
    if (value instanceof ArrayBuffer) return this.unrepresentable(`ArrayBuffer(${value.byteLength})`);
    if (value instanceof DataView) return this.unrepresentable(`DataView(${value.byteLength})`);
    if (value instanceof tf.Tensor) return this.unrepresentable(`Tensor(shape=[${value.shape.join(', ')}], dtype=${value.dtype})`);
    if (isDanfoFrame(value)) {
      return this.unrepresentable(`${value.$isSeries ? 'Series' : 'DataFrame'}(shape=[${value.shape.join(', ')}])`);
    }
    return undefined;
  }

  private convertContainer(value: object, depth: number): unknown {
    if (ArrayBuffer.isView(value)) return this.convertItems(Array.from(value as unknown as ArrayLike<unknown>), depth);
    if (Array.isArray(value)) return this.convertItems(value, depth);
    if (value instanceof Set) return this.convertItems([...value], depth);
    if (value instanceof Map) {
      const entries = [...value.entries()];
      return entries.every(([key]) => typeof key === 'string')
        ? this.convertEntries(entries as [string, unknown][], depth)
        : this.convertItems(entries, depth);
    }
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') return this.convert(this.guard(() => toJson.call(value) as unknown), depth);
    return this.convertEntries(
      Object.keys(value).map((key) => [key, this.guard(() => (value as Record<string, unknown>)[key])]),
      depth,
    );
  }

  private convertItems(items: readonly unknown[], depth: number): unknown[] {
    const shown = items.slice(0, this.limits.maxItems).map((item) => this.convert(item, depth));
    const leftOut = items.length - shown.length;
    return leftOut > 0 ? [...shown, `... ${leftOut} more item${leftOut === 1 ? '' : 's'}`] : shown;
  }

  private convertEntries(entries: readonly (readonly [string, unknown])[], depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, this.limits.maxItems)) result[key] = this.convert(item, depth);
    const leftOut = entries.length - this.limits.maxItems;
    if (leftOut > 0) result['...'] = `${leftOut} more key${leftOut === 1 ? '' : 's'}`;
    return result;
  }

  /** A getter or toJSON that throws should not take the whole output down with it. */
  private guard(read: () => unknown): unknown {
    try {
      return read();
    } catch (error) {
      return `[threw ${error instanceof Error ? describeError(error) : String(error)}]`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// danfo DataFrame and Series

/**
 * The parts of danfo's NDframe used here. Recognised by shape, not `instanceof`, so the check holds
 * whichever copy of danfo made the frame and survives minified class names. `values` is danfo's
 * own `$data` (rows for a DataFrame, values for a Series), not a copy; `$data` itself is protected
 * in danfo's types, so it is checked at runtime only.
 */
export type DanfoFrameLike = {
  readonly $isSeries: boolean;
  readonly values: readonly unknown[];
  readonly columns: readonly string[] | string;
  readonly dtypes: readonly string[];
  readonly index: readonly unknown[];
  readonly shape: readonly number[];
};

export function isDanfoFrame(value: unknown): value is DanfoFrameLike {
  return isRecord(value) && typeof value['$isSeries'] === 'boolean' && Array.isArray(value['$data']);
}

/** Column names of a frame; a Series' `columns` is its one name (danfo also allows a bare string). */
export function frameColumnNames(frame: DanfoFrameLike): string[] {
  return typeof frame.columns === 'string' ? [frame.columns] : frame.columns.map(String);
}

/**
 * A table cell JSON cannot carry (NaN, ±Infinity) or that must not be confused with an empty
 * string (null, undefined). The table renders `$special` in place of a value, e.g. "NaN".
 */
export type SpecialCell = { readonly $special: 'NaN' | 'null' | 'undefined' | 'Infinity' | '-Infinity' };

export function isSpecialCell(cell: unknown): cell is SpecialCell {
  return isRecord(cell) && typeof cell['$special'] === 'string';
}

function toTableCell(value: unknown): unknown {
  if (value === null) return { $special: 'null' } satisfies SpecialCell;
  if (value === undefined) return { $special: 'undefined' } satisfies SpecialCell;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $special: 'NaN' } satisfies SpecialCell;
    if (!Number.isFinite(value)) return { $special: value > 0 ? 'Infinity' : '-Infinity' } satisfies SpecialCell;
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return toJsonSafe(value, { ...DISPLAY_JSON_LIMITS, maxDepth: 3, maxItems: 20 });
}

function toIndexLabel(label: unknown): string | number {
  if (typeof label === 'number' && Number.isFinite(label)) return label;
  return typeof label === 'string' ? label : describePrimitive(label);
}

function frameToTable(frame: DanfoFrameLike): DisplayBundle {
  const names = frameColumnNames(frame);
  const columns: TableColumn[] = names.map((name, i) => ({ name, dtype: String(frame.dtypes[i] ?? 'unknown') }));
  const shownValues = frame.values.slice(0, MAX_TABLE_ROWS);
  const rows = shownValues.map((row) =>
    frame.$isSeries || !Array.isArray(row) ? [toTableCell(row)] : row.map((cell: unknown) => toTableCell(cell)),
  );
  const [rowCount = frame.values.length, columnCount = names.length] = frame.shape;
  return {
    kind: 'table',
    columns,
    index: frame.index.slice(0, MAX_TABLE_ROWS).map(toIndexLabel),
    rows,
    shape: [rowCount, columnCount],
    isSeries: frame.$isSeries,
  };
}

// ---------------------------------------------------------------------------------------------
// Tensors: a numpy-style preview

/** As numpy: tensors with more elements than this are summarised to EDGE_ITEMS per end of each axis. */
export const TENSOR_SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function tensorToBundle(tensor: tf.Tensor): DisplayBundle {
  const base = { kind: 'tensor', shape: [...tensor.shape], dtype: tensor.dtype, size: tensor.size } as const;
  if (tensor.isDisposed) return { ...base, preview: '<disposed tensor>' };
  return { ...base, preview: formatTensor(tensor) };
}

/** The values a preview shows, in a compact tensor where each cut axis keeps only its two ends. */
type ShownValues = {
  readonly values: readonly (number | string | boolean)[];
  readonly shape: readonly number[];
  readonly cutAxes: readonly boolean[];
};

/** numpy-like text of a tensor's values (without line wrapping). Never disposes the tensor. */
export function formatTensor(tensor: tf.Tensor): string {
  const shown = readShownValues(tensor);
  const texts = formatElements(shown.values, tensor.dtype);
  const strides = stridesOf(shown.shape);
  const rank = shown.shape.length;

  const formatAxis = (axis: number, offset: number, indent: string): string => {
    if (axis === rank) return texts[offset] ?? '';
    const length = shown.shape[axis] ?? 0;
    const stride = strides[axis] ?? 1;
    const parts: string[] = [];
    for (let i = 0; i < length; i += 1) {
      if (shown.cutAxes[axis] && i === EDGE_ITEMS) parts.push('...');
      parts.push(formatAxis(axis + 1, offset + i * stride, `${indent} `));
    }
    const separator = axis === rank - 1 ? ', ' : `,${'\n'.repeat(rank - axis - 1)}${indent} `;
    return `[${parts.join(separator)}]`;
  };
  return formatAxis(0, 0, '');
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let axis = shape.length - 2; axis >= 0; axis -= 1) {
    strides[axis] = (strides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
  }
  return strides;
}

function readShownValues(tensor: tf.Tensor): ShownValues {
  const summarise = tensor.size > TENSOR_SUMMARY_THRESHOLD;
  const cutAxes = tensor.shape.map((length) => summarise && length > 2 * EDGE_ITEMS);
  if (!cutAxes.includes(true)) return { values: readAll(tensor), shape: tensor.shape, cutAxes };
  const shape = tensor.shape.map((length, axis) => (cutAxes[axis] ? 2 * EDGE_ITEMS : length));
  // Strings and complex numbers live in JS memory on every backend, so picking values there costs no
  // download; numeric tensors are cut on the backend so only the shown corner is read back.
  if (tensor.dtype === 'string' || tensor.dtype === 'complex64') {
    return { values: pickEdges(readAll(tensor), tensor.shape, cutAxes), shape, cutAxes };
  }
  const edges = tf.tidy(() => {
    let cut: tf.Tensor = tensor;
    tensor.shape.forEach((length, axis) => {
      if (!cutAxes[axis]) return;
      const size = cut.shape.map((extent, i) => (i === axis ? EDGE_ITEMS : extent));
      const head = tf.slice(cut, cut.shape.map(() => 0), size);
      const tail = tf.slice(cut, cut.shape.map((_, i) => (i === axis ? length - EDGE_ITEMS : 0)), size);
      cut = tf.concat([head, tail], axis);
    });
    return cut;
  });
  try {
    return { values: readAll(edges), shape, cutAxes };
  } finally {
    edges.dispose();
  }
}

function readAll(tensor: tf.Tensor): (number | string | boolean)[] {
  const data = tensor.dataSync() as ArrayLike<number | string | Uint8Array>;
  if (tensor.dtype === 'string') return Array.from(data as ArrayLike<string>);
  if (tensor.dtype === 'bool') return Array.from(data as ArrayLike<number>, (v) => v !== 0);
  if (tensor.dtype === 'complex64') {
    // dataSync interleaves real and imaginary parts.
    const parts = Array.from(data as ArrayLike<number>);
    return Array.from({ length: tensor.size }, (_, i) => `${formatFloat(parts[2 * i] ?? NaN)}${signed(parts[2 * i + 1] ?? NaN)}j`);
  }
  return Array.from(data as ArrayLike<number>);
}

const signed = (value: number): string => (value < 0 || Object.is(value, -0) ? formatFloat(value) : `+${formatFloat(value)}`);
const formatFloat = (value: number): string => formatFloats([value])[0] ?? String(value);

/** The flat values of a full tensor that a summarised preview shows. */
function pickEdges<T>(values: readonly T[], shape: readonly number[], cutAxes: readonly boolean[]): T[] {
  const strides = stridesOf(shape);
  const shownIndices = shape.map((length, axis) =>
    cutAxes[axis]
      ? [...Array(EDGE_ITEMS).keys(), ...Array.from({ length: EDGE_ITEMS }, (_, i) => length - EDGE_ITEMS + i)]
      : [...Array(length).keys()],
  );
  const picked: T[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      const value = values[offset];
      if (value !== undefined) picked.push(value);
      return;
    }
    for (const index of shownIndices[axis] ?? []) visit(axis + 1, offset + index * (strides[axis] ?? 1));
  };
  visit(0, 0);
  return picked;
}

/** Elements as text, right-aligned to one width like numpy (strings are quoted, not padded). */
function formatElements(values: readonly (number | string | boolean)[], dtype: tf.DataType): string[] {
  const texts =
    dtype === 'float32'
      ? formatFloats(values as readonly number[])
      : values.map((value) => (typeof value === 'string' && dtype === 'string' ? JSON.stringify(value) : String(value)));
  if (dtype === 'string') return texts;
  const width = Math.max(0, ...texts.map((text) => text.length));
  return texts.map((text) => text.padStart(width));
}

/** Decimal places a float needs, up to the 4 a preview shows. */
function decimalsNeeded(text: string): number {
  const trimmed = text.replace(/0+$/, '');
  return trimmed.length - trimmed.indexOf('.') - 1;
}

/**
 * numpy-like floats: every value gets the same number of decimals (at most 4, trailing zeros
 * dropped, whole numbers as "2."), and scientific notation when a value is huge or tiny.
 */
function formatFloats(values: readonly number[]): string[] {
  const finite = values.filter((value) => Number.isFinite(value));
  const magnitudes = finite.map(Math.abs).filter((magnitude) => magnitude > 0);
  const scientific = magnitudes.some((magnitude) => magnitude >= 1e8 || magnitude < 1e-4);
  const special = (value: number): string => (Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf');
  if (scientific) {
    const mantissaDecimals = Math.max(0, ...finite.map((value) => decimalsNeeded(value.toExponential(4).split('e')[0] ?? '')));
    return values.map((value) => (Number.isFinite(value) ? value.toExponential(mantissaDecimals) : special(value)));
  }
  const decimals = Math.max(0, ...finite.map((value) => decimalsNeeded(value.toFixed(4))));
  return values.map((value) => {
    if (!Number.isFinite(value)) return special(value);
    return decimals === 0 ? `${value.toFixed(0)}.` : value.toFixed(decimals);
  });
}

// ---------------------------------------------------------------------------------------------
// Models

function modelToBundle(model: tf.LayersModel): DisplayBundle {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: describeOutputShape(layer),
    params: countWeights(layer.weights),
  }));
  return {
    kind: 'model',
    name: model.name,
    layers,
    totalParams: countWeights(readOr(() => model.weights, [])),
    trainableParams: countWeights(readOr(() => model.trainableWeights, [])),
  };
}

/** Counted from the weights, so a layer that is not built yet shows 0 instead of throwing. */
function countWeights(weights: readonly { readonly shape: readonly (number | null)[] }[]): number {
  return weights.reduce((total, weight) => total + weight.shape.reduce<number>((size, extent) => size * (extent ?? 0), 1), 0);
}

/** As tfjs' own summary writes it, e.g. "[null,8]"; "multiple" when a shared layer has several. */
function describeOutputShape(layer: tf.layers.Layer): string {
  return readOr(() => JSON.stringify(layer.outputShape), 'multiple');
}

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Images

function isImageData(value: unknown): value is ImageData {
  return typeof ImageData !== 'undefined' && value instanceof ImageData;
}

function isOffscreenCanvas(value: unknown): value is OffscreenCanvas {
  return typeof OffscreenCanvas !== 'undefined' && value instanceof OffscreenCanvas;
}

function checkImageTensor(tensor: tf.Tensor): void {
  const [height = 0, width = 0, channels = 1] = tensor.shape;
  const shapeOk = tensor.rank === 2 || (tensor.rank === 3 && (channels === 1 || channels === 3 || channels === 4));
  if (!shapeOk) {
    throw new TypeError(
      `image() needs a tensor of shape [height, width] or [height, width, 1|3|4], got [${tensor.shape.join(', ')}]`,
    );
  }
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    throw new TypeError(`image() needs a float32 (0 to 1) or int32 (0 to 255) tensor, got ${tensor.dtype}`);
  }
  if (height === 0 || width === 0) throw new TypeError('image() got a tensor with no pixels');
  if (tensor.isDisposed) throw new TypeError('image() got a disposed tensor');
}

async function tensorToImage(tensor: tf.Tensor): Promise<DisplayBundle> {
  const [height = 0, width = 0] = tensor.shape;
  const rgba = await tf.browser.toPixels(tensor as tf.Tensor2D | tf.Tensor3D);
  return pngBundle(await encodePng(rgba, width, height), width, height);
}

async function imageToBundle(source: ImageData | OffscreenCanvas): Promise<DisplayBundle> {
  if (source.width === 0 || source.height === 0) throw new TypeError('cannot display an image with no pixels');
  if (isImageData(source)) return pngBundle(await encodePng(source.data, source.width, source.height), source.width, source.height);
  const blob = await source.convertToBlob({ type: 'image/png' });
  return pngBundle(new Uint8Array(await blob.arrayBuffer()), source.width, source.height);
}

function pngBundle(png: Uint8Array, width: number, height: number): DisplayBundle {
  return { kind: 'image', mime: 'image/png', base64: bytesToBase64(png), width, height };
}

/** PNG bytes of RGBA pixels: the browser's encoder where a worker has one, else our own. */
export async function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Uint8Array> {
  if (typeof OffscreenCanvas !== 'undefined' && typeof ImageData !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (context) {
      context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      return new Uint8Array(await blob.arrayBuffer());
    }
  }
  return encodePngWithoutCanvas(rgba, width, height);
}

/**
 * A minimal PNG encoder (8-bit RGBA, no filtering) for environments without OffscreenCanvas: the
 * pixels go through CompressionStream('deflate'), whose zlib format is exactly what IDAT holds.
 */
export async function encodePngWithoutCanvas(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Promise<Uint8Array> {
  const rowLength = width * 4;
  if (rgba.length !== rowLength * height) throw new RangeError(`expected ${rowLength * height} RGBA bytes, got ${rgba.length}`);
  const scanlines = new Uint8Array((rowLength + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // Each scanline starts with its filter type; 0 means "none".
    scanlines.set(rgba.subarray(y * rowLength, (y + 1) * rowLength), y * (rowLength + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, no filter method, no interlace
  return concatBytes([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', await zlibCompress(scanlines)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

async function zlibCompress(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i += 1) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** btoa takes a "binary string"; built in chunks because one huge String.fromCharCode call overflows the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunkSize = 0x8000;
  for (let i = 0; i < bytes.length; i += chunkSize) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunkSize));
  }
  return btoa(binary);
}

// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
