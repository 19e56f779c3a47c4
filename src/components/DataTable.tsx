import { useMemo, useState } from 'react';
import type { TableColumn } from '../core/outputs';

type Props = {
  columns: readonly TableColumn[];
  index: readonly (string | number)[];
  rows: readonly (readonly unknown[])[];
  shape: readonly [number, number];
  pageSize?: number;
};

type Sort = { column: number; isDescending: boolean } | null;

/** A paged table with click-to-sort columns; shows the whole frame's shape and the dtypes. */
export function DataTable({ columns, index, rows, shape, pageSize = 10 }: Props) {
  const [sort, setSort] = useState<Sort>(null);
  const [page, setPage] = useState(0);

  const order = useMemo(() => {
    const positions = rows.map((_, position) => position);
    if (!sort) return positions;
    const direction = sort.isDescending ? -1 : 1;
    return positions.sort((a, b) => direction * compareCells(rows[a]?.[sort.column], rows[b]?.[sort.column]));
  }, [rows, sort]);

  const pageCount = Math.max(1, Math.ceil(order.length / pageSize));
  const visible = order.slice(page * pageSize, page * pageSize + pageSize);
  const [totalRows, totalColumns] = shape;

  return (
    <div className="data-table">
      <div className="data-table-scroll">
        <table>
          <thead>
            <tr>
              <th className="index-header" />
              {columns.map((column, position) => (
                <th key={column.name + position}>
                  <button
                    type="button"
                    className="sort-button"
                    title={`Sort by ${column.name}`}
                    onClick={() => setSort((current) => (current?.column === position ? (current.isDescending ? null : { column: position, isDescending: true }) : { column: position, isDescending: false }))}
                  >
                    {column.name}
                    <span className="sort-mark">{sort?.column === position ? (sort.isDescending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                  <div className="dtype">{column.dtype}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((position) => (
              <tr key={position}>
                <th className="index-cell">{String(index[position] ?? position)}</th>
                {(rows[position] ?? []).map((value, column) => (
                  <td key={column} className={typeof value === 'number' ? 'numeric' : isMissing(value) ? 'missing' : undefined}>
                    {formatCell(value)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="data-table-footer">
        <span>
          {totalRows.toLocaleString()} rows × {totalColumns.toLocaleString()} columns
          {rows.length < totalRows ? ` (first ${rows.length.toLocaleString()} shown)` : ''}
        </span>
        {pageCount > 1 && (
          <span className="pager">
            <button type="button" disabled={page === 0} onClick={() => setPage((current) => current - 1)} aria-label="Previous page">‹</button>
            {page + 1} / {pageCount}
            <button type="button" disabled={page >= pageCount - 1} onClick={() => setPage((current) => current + 1)} aria-label="Next page">›</button>
          </span>
        )}
      </div>
    </div>
  );
}

/** Values JSON cannot carry (NaN, ±Infinity, undefined) arrive as `{ $special: 'NaN' }` markers. */
function specialLabel(value: unknown): string | null {
  const special = (value as { $special?: unknown } | null)?.$special;
  return typeof value === 'object' && typeof special === 'string' ? special : null;
}

function isMissing(value: unknown): boolean {
  const special = specialLabel(value);
  if (special !== null) return special === 'NaN' || special === 'null' || special === 'undefined';
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

function formatCell(value: unknown): string {
  const special = specialLabel(value);
  if (special !== null) return special;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Missing values sort last; numbers numerically; everything else as text. */
function compareCells(a: unknown, b: unknown): number {
  const aMissing = isMissing(a);
  const bMissing = isMissing(b);
  if (aMissing || bMissing) return Number(aMissing) - Number(bMissing);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
