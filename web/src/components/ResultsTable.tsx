import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { booksToCsv, downloadText, type FlatBook } from '../lib/books';
import { explainError } from '../lib/errors';
import { fmtInt } from '../lib/format';

const col = createColumnHelper<FlatBook>();

/** The results table: sortable, filterable by text and token range, exportable as shown. */
export function ResultsTable({
  books,
  tokenizers,
  baseName,
  onOpen,
}: {
  books: FlatBook[];
  tokenizers: string[];
  baseName: string;
  onOpen: (b: FlatBook) => void;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [text, setText] = useState('');
  const [rangeTok, setRangeTok] = useState(tokenizers[0] ?? '');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');

  const columns = useMemo(
    () => [
      col.accessor('title', {
        header: 'Title',
        cell: (c) => (
          <span>
            <button
              type="button"
              className="link"
              style={{ textAlign: 'left' }}
              onClick={() => onOpen(c.row.original)}
              aria-label={`${c.getValue()}: chapter details`}
            >
              {c.getValue()}
            </button>
            {c.row.original.status !== 'ok' && (
              <span
                className="badge danger"
                title={explainError(c.row.original.errorCode, c.row.original.errorMessage)}
                style={{ marginLeft: '.4rem' }}
              >
                {c.row.original.errorCode ?? c.row.original.status}
              </span>
            )}
          </span>
        ),
        meta: { className: 'title' },
      }),
      col.accessor('authors', { header: 'Authors' }),
      col.accessor('language', { header: 'Language' }),
      col.accessor('words', {
        header: 'Words',
        cell: (c) => (c.row.original.status === 'ok' ? fmtInt(c.getValue()) : '–'),
        meta: { className: 'num' },
      }),
      ...tokenizers.map((t) =>
        col.accessor((b) => b.tokens[t] ?? -1, {
          id: `tok:${t}`,
          header: t,
          cell: (c) => (c.getValue() < 0 ? '–' : fmtInt(c.getValue())),
          meta: { className: 'num' },
          sortUndefined: 'last',
        }),
      ),
    ],
    [tokenizers, onOpen],
  );

  const data = useMemo(() => {
    const lo = min === '' ? -Infinity : Number(min);
    const hi = max === '' ? Infinity : Number(max);
    if (lo === -Infinity && hi === Infinity) return books;
    return books.filter((b) => {
      const v = b.tokens[rangeTok];
      return v !== undefined && v >= lo && v <= hi;
    });
  }, [books, min, max, rangeTok]);

  const table = useReactTable({
    data,
    columns,
    state: { sorting, globalFilter: text },
    onSortingChange: setSorting,
    onGlobalFilterChange: setText,
    globalFilterFn: (row, _id, value: string) => {
      const q = value.trim().toLowerCase();
      return !q || row.original.title.toLowerCase().includes(q) || row.original.authors.toLowerCase().includes(q);
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const shown = table.getRowModel().rows.map((r) => r.original);

  return (
    <div>
      <div className="toolbar">
        <label>
          Filter by title or author
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Type to filter" />
        </label>
        <label>
          Token range of
          <select value={rangeTok} onChange={(e) => setRangeTok(e.target.value)}>
            {tokenizers.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Min tokens
          <input type="number" min={0} inputMode="numeric" value={min} onChange={(e) => setMin(e.target.value)} style={{ width: '8rem' }} />
        </label>
        <label>
          Max tokens
          <input type="number" min={0} inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} style={{ width: '8rem' }} />
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => downloadText(`${baseName}.csv`, booksToCsv(shown, tokenizers), 'text/csv')}>
          Export CSV
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(
              `${baseName}.json`,
              JSON.stringify(
                shown.map((b) => b.row),
                null,
                2,
              ) + '\n',
              'application/json',
            )
          }
        >
          Export JSON
        </button>
      </div>
      <p className="small muted" role="status" aria-live="polite">
        Showing {fmtInt(shown.length)} of {fmtInt(books.length)} books.
      </p>
      <div className="table-wrap">
        <table aria-label="Results">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const cls = (h.column.columnDef.meta as { className?: string } | undefined)?.className;
                  return (
                    <th
                      key={h.id}
                      className={cls === 'num' ? 'num' : undefined}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    >
                      <button type="button" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={row.original.status !== 'ok' ? 'failed' : undefined}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={(cell.column.columnDef.meta as { className?: string } | undefined)?.className}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && (
          <p className="muted" style={{ padding: '.75rem' }}>
            No book matches these filters.
          </p>
        )}
      </div>
    </div>
  );
}
