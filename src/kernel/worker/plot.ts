/**
 * `plot(...)` for cells: builds plotly figures as plain JSON (the worker cannot load plotly; the
 * main thread draws them). `plot(traces, layout)` takes plotly traces as they are; the shortcuts
 * `plot.line/scatter/histogram/bar` read columns from a danfo DataFrame (or an array of records).
 */
import type { DanfoFrameLike, PlotlyFigure } from './display';
import { frameColumnNames, isDanfoFrame, normalisePlotlyFigure } from './display';

export type { PlotlyFigure };
/** A plotly trace, e.g. `{ type: 'scatter', x: [...], y: [...] }`. */
export type Trace = Readonly<Record<string, unknown>>;
export type Layout = Readonly<Record<string, unknown>>;
/** What the shortcuts read columns from. */
export type TableSource = DanfoFrameLike | readonly Readonly<Record<string, unknown>>[];

export type LineOptions = { readonly x: string; readonly y: string | readonly string[]; readonly title?: string };
export type ScatterOptions = { readonly x: string; readonly y: string; readonly color?: string; readonly title?: string };
/** `x` names the column of a DataFrame; a Series is its own column. `bins` is plotly's nbinsx (a maximum). */
export type HistogramOptions = { readonly x?: string; readonly bins?: number; readonly title?: string };
export type BarOptions = { readonly x: string; readonly y: string | readonly string[]; readonly title?: string };

export type Plot = {
  (data: Trace | readonly Trace[], layout?: Layout): PlotlyFigure;
  line(source: TableSource, options: LineOptions): PlotlyFigure;
  scatter(source: TableSource, options: ScatterOptions): PlotlyFigure;
  histogram(source: TableSource, options?: HistogramOptions): PlotlyFigure;
  bar(source: TableSource, options: BarOptions): PlotlyFigure;
};

function plotTraces(data: Trace | readonly Trace[], layout: Layout = {}): PlotlyFigure {
  const traces: readonly unknown[] = Array.isArray(data) ? data : [data];
  traces.forEach((trace, i) => {
    if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) {
      throw new TypeError(`plot: trace ${i} must be an object such as { x: [...], y: [...] }, got ${describeValue(trace)}`);
    }
  });
  if (typeof layout !== 'object' || layout === null) throw new TypeError('plot: the layout must be an object');
  return normalisePlotlyFigure(traces, layout);
}

function line(source: TableSource, options: LineOptions): PlotlyFigure {
  const table = readTable(source, 'line');
  const x = table.column(options.x, 'x');
  const yNames = asList(options.y);
  const traces = yNames.map((name) => ({ type: 'scatter', mode: 'lines', name, x, y: table.column(name, 'y') }));
  return normalisePlotlyFigure(traces, axesLayout(options.title, options.x, yNames));
}

function scatter(source: TableSource, options: ScatterOptions): PlotlyFigure {
  const table = readTable(source, 'scatter');
  const x = table.column(options.x, 'x');
  const y = table.column(options.y, 'y');
  const layout = axesLayout(options.title, options.x, [options.y]);
  if (options.color === undefined) {
    return normalisePlotlyFigure([{ type: 'scatter', mode: 'markers', name: options.y, x, y }], layout);
  }
  const groups = groupRows(table.column(options.color, 'color'));
  const traces = [...groups].map(([category, rows]) => ({
    type: 'scatter',
    mode: 'markers',
    name: category,
    x: rows.map((row) => x[row]),
    y: rows.map((row) => y[row]),
  }));
  return normalisePlotlyFigure(traces, { ...layout, legend: { title: { text: options.color } } });
}

function histogram(source: TableSource, options: HistogramOptions = {}): PlotlyFigure {
  const { bins } = options;
  if (bins !== undefined && !(Number.isInteger(bins) && bins > 0)) {
    throw new RangeError(`plot.histogram: bins must be a positive whole number, got ${describeValue(bins)}`);
  }
  const table = readTable(source, 'histogram');
  const name = options.x ?? (isDanfoFrame(source) && source.$isSeries ? table.names[0] : undefined);
  if (name === undefined) {
    throw new Error(`plot.histogram: say which column to count with { x: "column" }. ${availableColumns(table.names)}`);
  }
  const trace = { type: 'histogram', name, x: table.column(name, 'x'), ...(bins === undefined ? {} : { nbinsx: bins }) };
  return normalisePlotlyFigure([trace], { ...axesLayout(options.title, name, []), yaxis: { title: { text: 'count' } } });
}

function bar(source: TableSource, options: BarOptions): PlotlyFigure {
  const table = readTable(source, 'bar');
  const x = table.column(options.x, 'x');
  const yNames = asList(options.y);
  const traces = yNames.map((name) => ({ type: 'bar', name, x, y: table.column(name, 'y') }));
  const layout = axesLayout(options.title, options.x, yNames);
  return normalisePlotlyFigure(traces, yNames.length > 1 ? { ...layout, barmode: 'group' } : layout);
}

export const plot: Plot = Object.assign(plotTraces, { line, scatter, histogram, bar });

// ---------------------------------------------------------------------------------------------

/** Columns by name, with an error that lists the real names when one is misspelt. */
type ColumnReader = {
  readonly names: readonly string[];
  column(name: string, option: string): unknown[];
};

function readTable(source: TableSource, helper: string): ColumnReader {
  const names = tableColumnNames(source, helper);
  const valuesOf = (index: number, name: string): unknown[] => {
    if (!isDanfoFrame(source)) return source.map((record) => record[name] ?? null);
    return source.$isSeries ? [...source.values] : source.values.map((row) => (Array.isArray(row) ? row[index] : undefined));
  };
  return {
    names,
    column(name, option) {
      const index = names.indexOf(name);
      if (index === -1) {
        throw new Error(`plot.${helper}: no column ${JSON.stringify(name)} (option ${option}). ${availableColumns(names)}`);
      }
      return valuesOf(index, name);
    },
  };
}

function tableColumnNames(source: TableSource, helper: string): string[] {
  if (isDanfoFrame(source)) return frameColumnNames(source);
  if (!Array.isArray(source)) {
    throw new TypeError(`plot.${helper}: expected a danfo DataFrame or Series, or an array of records; got ${describeValue(source)}`);
  }
  // Records may differ in their keys; every key seen is a column, in order of first appearance.
  const names = new Set<string>();
  for (const record of source) {
    if (typeof record !== 'object' || record === null) {
      throw new TypeError(`plot.${helper}: every record must be an object, got ${describeValue(record)}`);
    }
    for (const key of Object.keys(record)) names.add(key);
  }
  return [...names];
}

function availableColumns(names: readonly string[]): string {
  return names.length === 0 ? 'The table has no columns.' : `Available columns: ${names.join(', ')}`;
}

/** Row numbers per category, categories in order of first appearance (one trace each). */
function groupRows(categories: readonly unknown[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  categories.forEach((category, row) => {
    const key = String(category);
    const rows = groups.get(key);
    if (rows) rows.push(row);
    else groups.set(key, [row]);
  });
  return groups;
}

function axesLayout(title: string | undefined, xName: string, yNames: readonly string[]): Record<string, unknown> {
  const [onlyY] = yNames;
  return {
    ...(title === undefined ? {} : { title: { text: title } }),
    xaxis: { title: { text: xName } },
    ...(yNames.length === 1 && onlyY !== undefined ? { yaxis: { title: { text: onlyY } } } : {}),
  };
}

function asList(names: string | readonly string[]): readonly string[] {
  return typeof names === 'string' ? [names] : names;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : `${typeof value} ${String(value)}`;
}
