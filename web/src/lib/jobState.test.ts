import { describe, expect, it } from 'vitest';
import { initialJobView, parseJobEvent, percentDone, reduceJob, type JobEvent } from './jobState';

const ev = (id: number, event: string, data: unknown) => ({ id, event, data }) as JobEvent;
const book = (name: string, title?: string) => ({
  file_path: `/l/${name}`,
  file_name: name,
  status: 'ok',
  metadata: title ? { title } : {},
  word_count: 10,
  token_counts: { o200k_base: 13 },
});

describe('reduceJob', () => {
  it('follows a normal run', () => {
    let s = initialJobView();
    for (const e of [
      ev(1, 'queued', { position: 2 }),
      ev(2, 'queued', { position: 1 }),
      ev(3, 'started', { total_books: 2, total_bytes: 100 }),
      ev(4, 'progress', { file_name: 'a.epub', current: 0, total: 2, percent: 40, bytes_done: 40, bytes_total: 100, eta_s: 3 }),
      ev(5, 'book', book('a.epub', 'Alpha')),
      ev(6, 'book', { ...book('b.epub'), status: 'error', error: { code: 'EPUB_DRM', message: 'drm' } }),
      ev(7, 'completed', {
        summary: { total: 2, ok: 1, failed: 1, skipped: 0, word_count: 10, char_count: 50, token_counts: { o200k_base: 13 } },
      }),
    ]) {
      if (e.id === 2) expect(s.position).toBe(2);
      s = reduceJob(s, e);
    }
    expect(s.status).toBe('completed');
    expect(s.position).toBeNull();
    expect(s.books.map((b) => b.title)).toEqual(['Alpha', 'b.epub']);
    expect(s.books[1].error?.code).toBe('EPUB_DRM');
    expect(s.summary?.failed).toBe(1);
    expect(percentDone(s)).toBe(100);
  });

  it('ignores replayed events it has already applied', () => {
    let s = initialJobView();
    const events = [ev(1, 'started', { total_books: 3, total_bytes: 0 }), ev(2, 'book', book('a.epub')), ev(3, 'book', book('b.epub'))];
    for (const e of events) s = reduceJob(s, e);
    // A reconnect that replays from id 2 must not add a.epub or b.epub again.
    for (const e of events.slice(1)) s = reduceJob(s, e);
    s = reduceJob(s, ev(4, 'book', book('c.epub')));
    expect(s.books.map((b) => b.file_name)).toEqual(['a.epub', 'b.epub', 'c.epub']);
    expect(s.lastEventId).toBe(4);
  });

  it('keeps one row per book when the server reports a book again', () => {
    let s = initialJobView();
    s = reduceJob(s, ev(1, 'book', book('a.epub', 'A')));
    s = reduceJob(s, ev(2, 'book', book('b.epub', 'B')));
    s = reduceJob(s, ev(3, 'book', book('a.epub', 'A again')));
    expect(s.books.map((b) => b.title)).toEqual(['A again', 'B']);
  });

  it('records an interruption and a resume', () => {
    let s = initialJobView();
    s = reduceJob(s, ev(1, 'started', { total_books: 4, total_bytes: 0 }));
    s = reduceJob(s, ev(2, 'interrupted', { books_done: 1, reason: 'crash' }));
    expect(s.status).toBe('interrupted');
    s = reduceJob(s, ev(3, 'resumed', { books_done: 1, books_remaining: 3 }));
    expect(s.status).toBe('running');
    expect(s.interruptions).toEqual([{ reason: 'crash', booksDone: 1 }]);
    expect(s.resumes).toEqual([{ booksDone: 1, booksRemaining: 3 }]);
  });

  it('keeps going on unknown events and parses messages', () => {
    const s = reduceJob(initialJobView(), ev(9, 'something-new', {}));
    expect(s.lastEventId).toBe(9);
    expect(parseJobEvent({ id: '3', event: 'queued', data: '{"position":1}' })).toEqual({ id: 3, event: 'queued', data: { position: 1 } });
    expect(parseJobEvent({ id: null, event: 'queued', data: '{}' })).toBeNull();
    expect(parseJobEvent({ id: '4', event: 'queued', data: '{' })).toBeNull();
  });
});
