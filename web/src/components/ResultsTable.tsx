import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ResultsDocument } from '../api/types';
import { booksToCsv, downloadText, subsetDocument, type FlatBook } from '../lib/books';
import { bookFits, defaultFitModels, fitCandidates, fitFilter, fitLabel, fitSortKey, type Fit } from '../lib/contextFit';
import { explainError } from '../lib/errors';
import { fmtInt } from '../lib/format';
import { fmtWindow } from '../lib/prices';
import { usePrices } from '../lib/priceStore';
import { loadJson, saveJson } from '../lib/storage';
import { useUrlParam } from '../lib/urlState';
import { ExactnessBadge } from './TokenizerPicker';

type Row = FlatBook & { fits: Fit[] };
const col = createColumnHelper<Row>();

const FIT_KEY = 'epubtok.fitModels';

/** How words are counted, beside the Words column and in README.md ("What is counted"). */
export const WORDS_NOTE =
  'Words are Unicode word segments (UAX #29) that contain a letter or digit. Chinese, Japanese and Thai have no spaces between words, so they are split with ICU’s dictionaries: a Chinese or Japanese “word” is a dictionary word of one to a few characters, not a character, and counts are not comparable with space-separated languages.';

/** "o200k_base:desc" ⇄ TanStack sorting state. */
const parseSort = (s: string): SortingState => {
  const m = /^(.+):(asc|desc)$/.exec(s);
  return m ? [{ id: m[1], desc: m[2] === 'desc' }] : [];
};
const formatSort = (s: SortingState) => (s[0] ? `${s[0].id}:${s[0].desc ? 'desc' : 'asc'}` : '');

/** True when the table is wider than its box: shows the "scroll sideways" hint. */
function useOverflowX(el: React.RefObject<HTMLElement | null>, deps: unknown[]): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const check = () => setOver(node.scrollWidth > node.clientWidth + 1);
    check();
    const ro = new ResizeObserver(check);
    ro.observe(node);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return over;
}

/** The results table: sortable, filterable by text, token range and context fit, exportable as shown. */
export function ResultsTable({
  doc,
  books,
  tokenizers,
  baseName,
  onOpen,
}: {
  doc: ResultsDocument;
  books: FlatBook[];
  tokenizers: string[];
  baseName: string;
  onOpen: (b: FlatBook) => void;
}) {
  const uid = useId();
  const [sortText, setSortText] = useUrlParam('sort', '');
  const [text, setText] = useUrlParam('q', '');
  const [rangeTokRaw, setRangeTok] = useUrlParam('range', tokenizers[0] ?? '');
  const rangeTok = tokenizers.includes(rangeTokRaw) ? rangeTokRaw : (tokenizers[0] ?? '');
  const [min, setMin] = useUrlParam('min', '');
  const [max, setMax] = useUrlParam('max', '');
  const [fit, setFit] = useUrlParam('fit', '');
  const sorting = useMemo(() => parseSort(sortText), [sortText]);

  const { table: prices } = usePrices();
  const candidates = useMemo(() => fitCandidates(prices, tokenizers), [prices, tokenizers]);
  const [fitIds, setFitIds] = useState<string[]>(() =>
    loadJson(FIT_KEY, [] as string[], (v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')),
  );
  const chosen = useMemo(() => {
    const ids = fitIds.filter((id) => candidates.some((c) => c.model.id === id));
    const use = ids.length ? ids : defaultFitModels(candidates);
    return use.map((id) => candidates.find((c) => c.model.id === id)!).sort((a, b) => a.window - b.window);
  }, [fitIds, candidates]);
  const chooseFit = (id: string, on: boolean) => {
    const cur = chosen.map((c) => c.model.id);
    const next = on ? [...cur, id] : cur.filter((x) => x !== id);
    setFitIds(next);
    saveJson(FIT_KEY, next);
  };

  const rows: Row[] = useMemo(() => books.map((b) => ({ ...b, fits: bookFits(b, chosen) })), [books, chosen]);

  const columns = useMemo(
    () => [
      col.accessor('title', {
        header: 'Title',
        cell: (c) => {
          const b = c.row.original;
          return (
            <span>
              <button
                type="button"
                className="link"
                style={{ textAlign: 'left' }}
                onClick={() => onOpen(b)}
                aria-label={`${b.title}${b.subtitle ? ` (${b.subtitle})` : ''}: chapter details`}
              >
                {b.title}
              </button>
              {b.subtitle && <span className="subtitle">{b.subtitle}</span>}
              {b.status !== 'ok' && (
                <span className="badge danger" title={explainError(b.errorCode, b.errorMessage)} style={{ marginLeft: '.4rem' }}>
                  {b.errorCode ?? b.status}
                </span>
              )}
            </span>
          );
        },
        meta: { className: 'title', label: 'Title' },
      }),
      col.accessor('authors', { header: 'Authors', meta: { label: 'Authors' } }),
      col.accessor('language', { header: 'Language', meta: { label: 'Language' } }),
      col.accessor('words', {
        header: () => (
          <>
            Words
            <span className="note-mark" aria-hidden="true">
              ?
            </span>
          </>
        ),
        cell: (c) => (c.row.original.status === 'ok' ? fmtInt(c.getValue()) : '–'),
        meta: { className: 'num', label: 'Words', description: `${uid}-words-note` },
      }),
      ...tokenizers.map((t) =>
        col.accessor((b) => b.tokens[t] ?? -1, {
          id: `tok:${t}`,
          header: () => {
            // What this column's numbers are, as the run recorded it.
            const label = doc.options?.tokenizer_exactness?.[t];
            return (
              <>
                {t}
                {label && (
                  <>
                    {' '}
                    <ExactnessBadge model={{ exactness: label.exactness, exactness_reason: label.reason }} />
                  </>
                )}
              </>
            );
          },
          cell: (c) => (c.getValue() < 0 ? '–' : fmtInt(c.getValue())),
          meta: { className: 'num', label: t },
          sortUndefined: 'last',
        }),
      ),
      col.accessor((b) => fitSortKey(b.fits), {
        id: 'fit',
        header: 'Context fit',
        cell: (c) => (
          <span className="fit-cell">
            {c.row.original.fits.map((f) => (
              <span
                key={f.model.model.id}
                className={`badge ${f.requests === 1 ? 'ok' : f.requests === null ? '' : 'warn'}`}
                title={`${f.model.model.name}, ${fmtInt(f.model.window)} tokens`}
              >
                {fitLabel(f)}
              </span>
            ))}
          </span>
        ),
        meta: { className: 'fit', label: 'Context fit' },
      }),
    ],
    [tokenizers, onOpen, uid, doc],
  );

  const lo = min === '' ? -Infinity : Number(min);
  const hi = max === '' ? Infinity : Number(max);
  const rangeInverted = Number.isFinite(lo) && Number.isFinite(hi) && lo > hi;
  const data = useMemo(() => {
    return rows.filter((b) => {
      if (!fitFilter(fit, b.fits)) return false;
      if (lo === -Infinity && hi === Infinity) return true;
      const v = b.tokens[rangeTok];
      return v !== undefined && v >= lo && v <= hi;
    });
  }, [rows, lo, hi, rangeTok, fit]);

  const table = useReactTable({
    data,
    columns,
    state: { sorting, globalFilter: text },
    onSortingChange: (u) => setSortText(formatSort(typeof u === 'function' ? u(sorting) : u)),
    onGlobalFilterChange: setText,
    globalFilterFn: (row, _id, value: string) => {
      const q = value.trim().toLowerCase();
      const b = row.original;
      return !q || b.title.toLowerCase().includes(q) || b.authors.toLowerCase().includes(q) || b.fileName.toLowerCase().includes(q);
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const shown = table.getRowModel().rows.map((r) => r.original);
  const filtered = shown.length !== books.length;
  const exportName = filtered ? `${baseName}-filtered-${shown.length}-of-${books.length}` : baseName;

  const wrap = useRef<HTMLDivElement>(null);
  const overflow = useOverflowX(wrap, [tokenizers.length, shown.length, chosen.length]);

  return (
    <div>
      <div className="toolbar">
        <label>
          Filter by title, author or file
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
          <input
            type="number"
            min={0}
            inputMode="numeric"
            value={min}
            onChange={(e) => setMin(e.target.value)}
            style={{ width: '8rem' }}
            aria-invalid={rangeInverted || undefined}
            aria-describedby={rangeInverted ? `${uid}-range` : undefined}
          />
        </label>
        <label>
          Max tokens
          <input
            type="number"
            min={0}
            inputMode="numeric"
            value={max}
            onChange={(e) => setMax(e.target.value)}
            style={{ width: '8rem' }}
            aria-invalid={rangeInverted || undefined}
            aria-describedby={rangeInverted ? `${uid}-range` : undefined}
          />
        </label>
        <label>
          Context fit
          <select value={fit} onChange={(e) => setFit(e.target.value)}>
            <option value="">All books</option>
            <option value="all">Fits every chosen window</option>
            <option value="split">Needs several requests</option>
            {chosen.map((c) => (
              <option key={c.model.id} value={c.model.id}>
                Fits {c.model.name} ({fmtWindow(c.window)})
              </option>
            ))}
          </select>
        </label>
        <label className="narrow-only">
          Sort by
          <select value={sortText} onChange={(e) => setSortText(e.target.value)}>
            <option value="">File order</option>
            {[['title', 'Title'], ['words', 'Words'], ...tokenizers.map((t) => [`tok:${t}`, t]), ['fit', 'Context fit']].flatMap(
              ([id, name]) => [
                <option key={`${id}:asc`} value={`${id}:asc`}>
                  {name} ↑
                </option>,
                <option key={`${id}:desc`} value={`${id}:desc`}>
                  {name} ↓
                </option>,
              ],
            )}
          </select>
        </label>
        <details className="menu">
          <summary>Context windows ({chosen.length})</summary>
          <fieldset>
            <legend className="small muted">Windows from the dated price table (Cost tab), for the tokenizers counted</legend>
            {candidates.length === 0 && <p className="small muted">No priced model uses the tokenizers counted here.</p>}
            {candidates.map((c) => (
              <label key={c.model.id} className="row small">
                <input
                  type="checkbox"
                  checked={chosen.some((x) => x.model.id === c.model.id)}
                  onChange={(e) => chooseFit(c.model.id, e.target.checked)}
                />
                {c.provider} {c.model.name} · {fmtWindow(c.window)} · {c.model.tokenizer}
              </label>
            ))}
          </fieldset>
        </details>
        <span className="spacer" />
        <button type="button" onClick={() => downloadText(`${exportName}.csv`, booksToCsv(shown, tokenizers), 'text/csv')}>
          Export CSV
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(
              `${exportName}.json`,
              JSON.stringify(
                subsetDocument(
                  doc,
                  shown.map((b) => b.row),
                  tokenizers,
                ),
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
      {rangeInverted && (
        <p id={`${uid}-range`} className="error-text small" role="alert">
          Min tokens ({fmtInt(lo)}) is more than max tokens ({fmtInt(hi)}): no book can match. Swap them or clear one.
        </p>
      )}
      <details className="small muted words-note">
        <summary>How words are counted</summary>
        <p id={`${uid}-words-note`}>{WORDS_NOTE}</p>
      </details>
      <p className="small muted" role="status" aria-live="polite">
        Showing {fmtInt(shown.length)} of {fmtInt(books.length)} books.
        {overflow && <span className="scroll-hint"> Scroll the table sideways for more columns →</span>}
      </p>
      <div
        className={`table-wrap sticky-first cardable${overflow ? ' overflowing' : ''}`}
        ref={wrap}
        tabIndex={0}
        aria-label="Results table, scrollable"
      >
        <table aria-label="Results">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const meta = h.column.columnDef.meta as { className?: string; description?: string } | undefined;
                  return (
                    <th
                      key={h.id}
                      className={meta?.className}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    >
                      <button type="button" onClick={h.column.getToggleSortingHandler()} aria-describedby={meta?.description}>
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
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta as { className?: string; label?: string } | undefined;
                  return (
                    <td key={cell.id} className={meta?.className} data-label={meta?.label}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
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
