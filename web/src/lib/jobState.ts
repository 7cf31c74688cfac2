// The live view of one job, rebuilt from its SSE events. The reducer is
// idempotent by event id, so a replay that overlaps what we already applied
// (after a reconnect) never duplicates a book.
import {
  isTerminalName,
  type BookRow,
  type Job,
  type JobError,
  type JobStatus,
  type Progress,
  type SseEventMap,
  type SseEventName,
  type Summary,
} from '../api/types';

/** A job's status as the server names it, or 'connecting' before the first answer. */
export type LiveStatus = JobStatus | 'connecting';

/** What the live list keeps of a book (chapters are fetched with the final results). */
export interface LiveBook {
  file_path: string;
  file_name: string;
  title: string;
  status: BookRow['status'];
  error?: JobError;
  word_count: number;
  token_counts: Record<string, number>;
}

export interface JobView {
  status: LiveStatus;
  lastEventId: number;
  position: number | null;
  totalBooks: number | null;
  totalBytes: number | null;
  progress: Progress | null;
  books: LiveBook[];
  summary: Summary | null;
  error: JobError | null;
  interruptions: { reason: string; booksDone: number }[];
  resumes: { booksDone: number; booksRemaining: number }[];
}

export const initialJobView = (): JobView => ({
  status: 'connecting',
  lastEventId: 0,
  position: null,
  totalBooks: null,
  totalBytes: null,
  progress: null,
  books: [],
  summary: null,
  error: null,
  interruptions: [],
  resumes: [],
});

export interface JobEvent<K extends SseEventName = SseEventName> {
  id: number;
  event: K;
  data: SseEventMap[K];
}

export function isTerminal(status: LiveStatus): boolean {
  return isTerminalName(status);
}

/**
 * The view of a job that has finished, from the job resource alone: a
 * finished job is shown without opening its event stream.
 */
export function viewFromJob(job: Job): JobView {
  const rows = job.results?.results ?? [];
  return {
    ...initialJobView(),
    status: job.status,
    totalBooks: job.progress?.total ?? rows.length,
    totalBytes: job.progress?.bytes_total ?? null,
    progress: job.progress ?? null,
    books: rows.map(liveBook),
    summary: job.summary ?? null,
    error: job.error ?? null,
  };
}

function liveBook(row: BookRow): LiveBook {
  const t = row.metadata?.title;
  return {
    file_path: row.file_path,
    file_name: row.file_name,
    title: typeof t === 'string' && t.trim() ? t : row.file_name,
    status: row.status,
    error: row.error,
    word_count: row.word_count ?? 0,
    token_counts: (row.token_counts ?? {}) as Record<string, number>,
  };
}

export function reduceJob(state: JobView, ev: JobEvent): JobView {
  if (ev.id <= state.lastEventId) return state; // already applied
  const s: JobView = { ...state, lastEventId: ev.id };
  switch (ev.event) {
    case 'queued': {
      const d = ev.data as SseEventMap['queued'];
      return { ...s, status: 'queued', position: d.position };
    }
    case 'started': {
      const d = ev.data as SseEventMap['started'];
      return { ...s, status: 'running', position: null, totalBooks: d.total_books, totalBytes: d.total_bytes };
    }
    case 'progress': {
      const d = ev.data as SseEventMap['progress'];
      return {
        ...s,
        status: isTerminal(s.status) ? s.status : 'running',
        position: null,
        progress: d,
        totalBooks: d.total || s.totalBooks,
      };
    }
    case 'book': {
      // A book is reported once per job; if the server reports it again (it
      // recounts books whose result was lost in a crash), replace the row.
      const row = ev.data as SseEventMap['book'];
      const b = liveBook(row);
      const at = s.books.findIndex((x) => x.file_path === b.file_path);
      if (at < 0) return { ...s, books: [...s.books, b] };
      const books = s.books.slice();
      books[at] = b;
      return { ...s, books };
    }
    case 'completed':
      return { ...s, status: 'completed', summary: (ev.data as SseEventMap['completed']).summary };
    case 'cancelled':
      return { ...s, status: 'cancelled', summary: (ev.data as SseEventMap['cancelled']).summary };
    case 'failed':
      return { ...s, status: 'failed', error: (ev.data as SseEventMap['failed']).error };
    case 'interrupted': {
      const d = ev.data as SseEventMap['interrupted'];
      return { ...s, status: 'interrupted', interruptions: [...s.interruptions, { reason: d.reason, booksDone: d.books_done }] };
    }
    case 'resumed': {
      const d = ev.data as SseEventMap['resumed'];
      return { ...s, status: 'running', resumes: [...s.resumes, { booksDone: d.books_done, booksRemaining: d.books_remaining }] };
    }
    default:
      return s; // an event this UI does not know yet: keep the id, ignore it
  }
}

/** Parses one SSE message into a JobEvent; null when it is not one. */
export function parseJobEvent(msg: { id: string | null; event: string; data: string }): JobEvent | null {
  if (msg.id === null || !/^\d+$/.test(msg.id)) return null;
  const id = Number(msg.id);
  try {
    return { id, event: msg.event as SseEventName, data: JSON.parse(msg.data) };
  } catch {
    return null;
  }
}

/** Percent done, preferring bytes (what the server reports), else books. */
export function percentDone(v: JobView): number {
  if (v.status === 'completed') return 100;
  if (v.progress) return Math.max(0, Math.min(100, v.progress.percent));
  if (v.totalBooks) return Math.min(100, (100 * v.books.length) / v.totalBooks);
  return 0;
}
