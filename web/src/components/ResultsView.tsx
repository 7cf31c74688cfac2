import * as Tabs from '@radix-ui/react-tabs';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useUrlParam } from '../lib/urlState';
import type { ResultsDocument } from '../api/types';
import { flattenBooks, tokenizerIds, type FlatBook } from '../lib/books';
import { explainError } from '../lib/errors';
import { fmtCompact, fmtInt } from '../lib/format';
import { BudgetPanel } from './BudgetPanel';
import { Skeleton } from './common';
import { CostPanel } from './CostPanel';
import { ResultsTable } from './ResultsTable';
import { TextPreview } from './TextPreview';

const Charts = lazy(() => import('./Charts').then((m) => ({ default: m.TokensPerBook })));
const Scatter = lazy(() => import('./Charts').then((m) => ({ default: m.WordsVsTokens })));
const Compare = lazy(() => import('./Charts').then((m) => ({ default: m.TokenizerComparison })));
const ChapterChart = lazy(() => import('./Charts').then((m) => ({ default: m.ChapterChart })));

const chartFallback = <Skeleton lines={5} height="2.5rem" />;

function BookDetails({ book, tokenizers, onClose }: { book: FlatBook; tokenizers: string[]; onClose: () => void }) {
  const chapters = book.row.chapters ?? [];
  const heading = useRef<HTMLHeadingElement>(null);
  const [preview, setPreview] = useState(false);
  useEffect(() => {
    // Bring the details into view and move keyboard focus there.
    heading.current?.scrollIntoView?.({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
  }, [book]);
  useEffect(() => {
    // Esc closes the details, as it would a dialog.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <section className="card" aria-labelledby="book-h">
      <div className="row">
        <h2 id="book-h" ref={heading} tabIndex={-1} style={{ margin: 0 }}>
          {book.title}
        </h2>
        <span className="spacer" />
        {chapters.length > 0 && (
          <button type="button" onClick={() => setPreview((v) => !v)} aria-expanded={preview}>
            Preview text
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close details
        </button>
      </div>
      <p className="muted small">
        {book.authors || 'Unknown author'} · {book.language || 'language unknown'} ·{' '}
        <span title={book.filePath}>{book.subtitle ?? book.fileName}</span> · {fmtInt(book.words)} words
      </p>
      {preview && <TextPreview path={book.filePath} chapters={chapters} onClose={() => setPreview(false)} />}
      {book.status !== 'ok' && (
        <p className="notice danger">
          {explainError(book.errorCode, book.errorMessage)}{' '}
          <span className="small">
            ({book.errorCode}: {book.errorMessage})
          </span>
        </p>
      )}
      {chapters.length === 0 ? (
        <p className="muted">No chapter breakdown in these results.</p>
      ) : (
        <>
          <Suspense fallback={chartFallback}>
            <ChapterChart chapters={chapters} tokenizer={tokenizers[0]} />
          </Suspense>
          <div className="table-wrap cardable" style={{ marginTop: '.75rem' }}>
            <table aria-label={`Chapters of ${book.title}`}>
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Chapter</th>
                  <th>Kind</th>
                  <th className="num">Words</th>
                  {tokenizers.map((t) => (
                    <th key={t} className="num">
                      {t}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {chapters.map((c, i) => (
                  <tr key={i}>
                    <td className="num" data-label="#">
                      {c.index ?? i + 1}
                    </td>
                    <td className="title" data-label="Chapter">
                      {c.title || c.href}
                      {c.linear === false && (
                        <span className="badge" style={{ marginLeft: '.35rem' }}>
                          non-linear
                        </span>
                      )}
                      {c.excluded && (
                        <span className="badge warn" style={{ marginLeft: '.35rem' }}>
                          excluded
                        </span>
                      )}
                    </td>
                    <td data-label="Kind">{c.kind}</td>
                    <td className="num" data-label="Words">
                      {fmtInt(c.word_count)}
                    </td>
                    {tokenizers.map((t) => (
                      <td key={t} className="num" data-label={t}>
                        {fmtInt(c.token_counts?.[t] as number | undefined)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Everything about a results document: cards, table, charts, budget, cost. */
export default function ResultsView({ doc, baseName }: { doc: ResultsDocument; baseName: string }) {
  const books = useMemo(() => flattenBooks(doc), [doc]);
  const tokenizers = useMemo(() => tokenizerIds(doc), [doc]);
  const [openIndex, setOpenIndex] = useUrlParam('book', '');
  const open = openIndex === '' ? null : (books[Number(openIndex)] ?? null);
  const [tab, setTab] = useUrlParam('tab', 'table');
  const onOpen = useCallback((b: FlatBook) => setOpenIndex(String(b.index)), [setOpenIndex]);
  const onClose = useCallback(() => setOpenIndex(''), [setOpenIndex]);
  const s = doc.summary;
  return (
    <div>
      <div className="cards" role="list" aria-label="Summary">
        <div className="card" role="listitem">
          <div className="muted small">Books</div>
          <div className="value">
            {fmtInt(s.ok)}
            <span className="small muted"> / {fmtInt(s.total)}</span>
          </div>
        </div>
        <div className="card" role="listitem">
          <div className="muted small">Words</div>
          <div className="value" title={fmtInt(s.word_count)}>
            {fmtCompact(s.word_count)}
          </div>
        </div>
        {tokenizers.map((t) => (
          <div className="card" role="listitem" key={t}>
            <div className="muted small">Tokens · {t}</div>
            <div className="value" title={fmtInt(s.token_counts[t])}>
              {fmtCompact(s.token_counts[t] ?? 0)}
            </div>
          </div>
        ))}
        <div className="card" role="listitem">
          <div className="muted small">Failures</div>
          <div className="value" style={{ color: s.failed ? 'var(--danger)' : undefined }}>
            {fmtInt(s.failed + s.skipped)}
          </div>
        </div>
      </div>
      {open && <BookDetails book={open} tokenizers={tokenizers} onClose={onClose} />}
      <Tabs.Root value={tab} onValueChange={setTab}>
        <Tabs.List className="tabs-list" aria-label="Result views">
          <Tabs.Trigger value="table">Table</Tabs.Trigger>
          <Tabs.Trigger value="charts">Charts</Tabs.Trigger>
          <Tabs.Trigger value="compare">Compare tokenizers</Tabs.Trigger>
          <Tabs.Trigger value="budget">Budget</Tabs.Trigger>
          <Tabs.Trigger value="cost">Cost</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="table">
          <ResultsTable doc={doc} books={books} tokenizers={tokenizers} baseName={baseName} onOpen={onOpen} />
        </Tabs.Content>
        <Tabs.Content value="charts">
          <Suspense fallback={chartFallback}>
            <div className="card">
              <h2>Tokens per book</h2>
              <Charts books={books} tokenizers={tokenizers} />
            </div>
            <div className="card">
              <h2>Words vs tokens</h2>
              <Scatter books={books} tokenizers={tokenizers} />
            </div>
          </Suspense>
        </Tabs.Content>
        <Tabs.Content value="compare">
          <Suspense fallback={chartFallback}>
            <div className="card">
              <h2>Tokenizer comparison</h2>
              <Compare books={books} tokenizers={tokenizers} />
            </div>
          </Suspense>
        </Tabs.Content>
        <Tabs.Content value="budget">
          <BudgetPanel doc={doc} books={books} tokenizers={tokenizers} baseName={baseName} />
        </Tabs.Content>
        <Tabs.Content value="cost">
          <CostPanel books={books} tokenizers={tokenizers} />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
