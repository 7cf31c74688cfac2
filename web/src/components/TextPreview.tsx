import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Chapter, TextPage } from '../api/types';
import { fmtBytes } from '../lib/format';
import { ErrorView, Skeleton } from './common';

/** Bytes per page: a long chapter arrives in parts, each on request. */
export const PREVIEW_PAGE_BYTES = 64 * 1024;

/**
 * A chapter's text exactly as it was counted (GET /api/text, what
 * `epubtok text --chapter N` prints), loaded a page at a time.
 */
export function TextPreview({ path, chapters, onClose }: { path: string; chapters: Chapter[]; onClose: () => void }) {
  const [chapter, setChapter] = useState(chapters[0]?.index ?? 0);
  const [pages, setPages] = useState<TextPage[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = (offset: number, signal?: AbortSignal) => {
    setLoading(true);
    setError(null);
    api.chapterText({ path, chapter, offset, limit: PREVIEW_PAGE_BYTES }, signal).then(
      (p) => {
        if (signal?.aborted) return;
        setPages((prev) => (offset === 0 ? [p] : [...prev, p]));
        setLoading(false);
      },
      (e) => {
        if (signal?.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    const ctrl = new AbortController();
    setPages([]);
    load(0, ctrl.signal);
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, chapter]);

  const last = pages.at(-1);
  const shown = pages.reduce((n, p) => n + new TextEncoder().encode(p.text).length, 0);
  return (
    <section className="preview" aria-labelledby="preview-h">
      <div className="row">
        <h3 id="preview-h" style={{ margin: 0 }}>
          Text as counted
        </h3>
        <label className="row small">
          Chapter
          <select value={chapter} onChange={(e) => setChapter(Number(e.target.value))}>
            {chapters.map((c, i) => (
              <option key={c.index ?? i} value={c.index ?? i}>
                {(c.index ?? i) + 1}. {c.title || c.href}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close preview
        </button>
      </div>
      {error != null && <ErrorView error={error} title="Could not read this chapter" onRetry={() => load(last?.next_offset ?? 0)} />}
      {pages.length > 0 && (
        <>
          <p className="small muted" role="status">
            {last?.next_offset == null ? 'Whole chapter' : `First ${fmtBytes(shown)} of ${fmtBytes(last.total_bytes)}`}
            {last?.title ? ` · ${last.title}` : ''}
          </p>
          <pre className="preview-text" tabIndex={0} aria-label="Chapter text" dir="auto">
            {pages.map((p) => p.text).join('')}
          </pre>
          {last?.next_offset != null && (
            <button type="button" onClick={() => load(last.next_offset!)} disabled={loading}>
              Load more
            </button>
          )}
        </>
      )}
      {loading && <Skeleton lines={3} />}
    </section>
  );
}
