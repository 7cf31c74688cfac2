import { lazy, Suspense, useEffect, useReducer, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api, ApiError, apiErrorFrom } from '../api/client';
import { connectSse, type SseConnection, type SseState } from '../api/sse';
import { isTerminalName, type Job } from '../api/types';
import { ErrorView, Skeleton, Stat } from '../components/common';
import { explainError } from '../lib/errors';
import { fmtBytes, fmtDuration, fmtInt } from '../lib/format';
import { saveJobTotals } from '../lib/library';
import { etaSeconds, observeRate, type RateState } from '../lib/eta';
import {
  initialJobView,
  isTerminal,
  parseJobEvent,
  percentDone,
  reduceJob,
  viewFromJob,
  type JobEvent,
  type JobView,
} from '../lib/jobState';

const ResultsView = lazy(() => import('../components/ResultsView'));

type Action = { type: 'event'; ev: JobEvent } | { type: 'reset' } | { type: 'final'; job: Job };

function reducer(state: JobView, action: Action): JobView {
  if (action.type === 'reset') return initialJobView();
  if (action.type === 'final') return viewFromJob(action.job);
  return reduceJob(state, action.ev);
}

const storageKey = (id: string) => `epubtok.job.${id}`;

/** The live state survives a reload in sessionStorage; the stream resumes after its last id. */
function loadStored(id: string): JobView {
  try {
    const s = JSON.parse(sessionStorage.getItem(storageKey(id)) ?? 'null') as JobView | null;
    if (s && typeof s.lastEventId === 'number' && Array.isArray(s.books)) return s;
  } catch {
    /* ignore */
  }
  return initialJobView();
}

const STATUS_TEXT: Record<JobView['status'], string> = {
  connecting: 'Connecting…',
  queued: 'Queued',
  running: 'Counting',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (server restarting)',
};

export default function JobScreen({ id }: { id: string }) {
  const [view, dispatch] = useReducer(reducer, id, loadStored);
  const [conn, setConn] = useState<SseState>('connecting');
  const [fatal, setFatal] = useState<unknown>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [jobError, setJobError] = useState<unknown>(null);
  const [cancelState, setCancelState] = useState<'idle' | 'requested' | 'error'>('idle');
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [reloadTick, setReloadTick] = useState(0);
  const rate = useRef<RateState | null>(null);
  const terminal = isTerminal(view.status);

  // Persist so a reload resumes from lastEventId. Throttled to once a second
  // (serialising every event would be quadratic in the number of books), and
  // flushed when the page is hidden or unloaded and when the job ends.
  const latest = useRef(view);
  const saved = useRef<JobView | null>(null);
  latest.current = view;
  useEffect(() => {
    const save = () => {
      if (saved.current === latest.current) return; // unchanged since the last save
      saved.current = latest.current;
      try {
        sessionStorage.setItem(storageKey(id), JSON.stringify(latest.current));
      } catch {
        /* storage full: a reload then replays from the start, which is still correct */
      }
    };
    const timer = setInterval(save, 1000);
    window.addEventListener('pagehide', save);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', save);
      save();
    };
  }, [id]);
  useEffect(() => {
    if (!terminal) return;
    try {
      sessionStorage.setItem(storageKey(id), JSON.stringify(latest.current));
    } catch {
      /* see above */
    }
  }, [id, terminal]);

  // A finished job is loaded once from the job resource, without its event
  // stream. A job still queued or running gets one stream (resuming after
  // the stored id), closed by this effect on the terminal event; the job
  // resource is then loaded again for the final results. Changing jobs or
  // retrying closes the old stream before anything new is opened.
  useEffect(() => {
    const ctrl = new AbortController();
    let conn: SseConnection | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setJobError(null);
    const failed = (e: unknown) => {
      if (ctrl.signal.aborted) return;
      if (e instanceof ApiError && e.status === 404) setFatal(e);
      else setJobError(e);
    };
    // The stream may announce the end a moment before the job resource shows it.
    const loadFinal = (attempt: number) => {
      api.job(id, ctrl.signal).then((j) => {
        if (ctrl.signal.aborted) return;
        if (!isTerminalName(j.status) && attempt < 40) {
          timer = setTimeout(() => loadFinal(attempt + 1), 250);
          return;
        }
        setJob(j);
        if (j.summary) saveJobTotals(id, j.summary);
      }, failed);
    };
    api.job(id, ctrl.signal).then((j) => {
      if (ctrl.signal.aborted) return;
      setJob(j);
      if (isTerminalName(j.status)) {
        dispatch({ type: 'final', job: j });
        if (j.summary) saveJobTotals(id, j.summary);
        setConn('closed');
        return;
      }
      const stored = loadStored(id);
      conn = connectSse({
        url: api.eventsUrl(id),
        lastEventId: stored.lastEventId > 0 ? String(stored.lastEventId) : null,
        onOpen: ({ fullReplay }) => {
          if (fullReplay) dispatch({ type: 'reset' });
          rate.current = null;
        },
        onMessage: (msg) => {
          const ev = parseJobEvent(msg);
          if (!ev) return;
          if (ev.event === 'progress') {
            const d = ev.data as { bytes_done: number };
            rate.current = observeRate(rate.current, d.bytes_done, performance.now());
          }
          dispatch({ type: 'event', ev });
          if (isTerminalName(ev.event)) {
            conn?.close();
            loadFinal(0);
          }
        },
        onFatal: ({ status, body }) => setFatal(apiErrorFrom(status, body)),
        onState: setConn,
        isTerminal: (m) => isTerminalName(m.event),
      });
    }, failed);
    return () => {
      ctrl.abort();
      clearTimeout(timer);
      conn?.close();
    };
  }, [id, reloadTick]);

  const cancel = async () => {
    setCancelState('requested');
    setCancelError(null);
    try {
      await api.cancelJob(id);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'JOB_FINISHED') return;
      setCancelState('error');
      setCancelError(e);
    }
  };

  // Results are shown once both the stream and the job resource say it ended,
  // so a snapshot fetched mid-job never passes for the final results.
  const jobEnded = job != null && isTerminalName(job.status);
  const doc = terminal && jobEnded && job?.results ? job.results : null;

  if (fatal) {
    return (
      <div className="card">
        <h1>Job {id}</h1>
        <ErrorView
          error={fatal}
          title="This job cannot be shown"
          onRetry={() => {
            setFatal(null);
            setReloadTick((t) => t + 1);
          }}
        />
        <p>
          <Link href="/history">See all jobs</Link>
        </p>
      </div>
    );
  }

  const tokenizers = job?.request.tokenizers ?? Object.keys(view.books[0]?.token_counts ?? {});
  const pct = percentDone(view);
  const p = view.progress;
  const failedBooks = view.books.filter((b) => b.status !== 'ok');
  const active = view.status === 'queued' || view.status === 'running' || view.status === 'interrupted' || view.status === 'connecting';

  return (
    <div>
      <div className="row" style={{ marginBottom: '.75rem' }}>
        <h1 style={{ margin: 0 }}>
          Job <code style={{ fontSize: '1rem' }}>{id}</code>
        </h1>
        <span className={`badge status-${view.status}`} role="status" aria-live="polite">
          {STATUS_TEXT[view.status]}
        </span>
        {conn === 'reconnecting' && <span className="badge warn">reconnecting…</span>}
        <span className="spacer" />
        {active && (
          <button type="button" className="danger" onClick={cancel} disabled={cancelState === 'requested' && view.status !== 'queued'}>
            Cancel
          </button>
        )}
        {terminal && (
          <a className="button small" href={api.resultsJsonUrl(id)} download>
            results.json
          </a>
        )}
      </div>

      <section className="card" aria-label="Progress">
        {view.status === 'queued' && (
          <p style={{ marginTop: 0 }}>
            Waiting in the queue: position <strong>{view.position ?? '–'}</strong>. It starts when the jobs ahead of it finish.
          </p>
        )}
        {cancelState === 'requested' && active && view.status !== 'queued' && (
          <p className="notice" role="status" style={{ marginTop: 0 }}>
            Cancel requested: the books already being read will finish, then the job stops with its partial results.
          </p>
        )}
        {cancelState === 'error' && <ErrorView error={cancelError} title="Could not cancel" onRetry={cancel} />}
        {view.interruptions.length > 0 && (
          <p className="notice" role="status" style={{ marginTop: 0 }}>
            The server stopped during this job ({view.interruptions.map((i) => i.reason).join(', ')}): interrupted
            {view.resumes.length > 0
              ? `, then resumed with ${fmtInt(view.resumes.at(-1)!.booksRemaining)} books remaining and ${fmtInt(view.resumes.at(-1)!.booksDone)} kept.`
              : '. It resumes when the server starts again.'}
          </p>
        )}
        <div className="row small muted" style={{ justifyContent: 'space-between' }}>
          <span id="progress-label">Overall progress</span>
          <span>{pct.toFixed(1)}%</span>
        </div>
        <div
          className="bar"
          role="progressbar"
          aria-labelledby="progress-label"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct)}
          aria-valuetext={`${pct.toFixed(0)}%, ${view.books.length} of ${view.totalBooks ?? '?'} books`}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
        {terminal ? (
          <p className="small muted" style={{ margin: '.5rem 0 0' }}>
            {fmtInt(view.books.length)} of {view.totalBooks == null ? '–' : fmtInt(view.totalBooks)} books
            {p ? ` · ${fmtBytes(p.bytes_done)} read` : ''}
          </p>
        ) : (
          <div className="stats">
            <Stat label="Books done" value={`${fmtInt(view.books.length)} / ${view.totalBooks == null ? '–' : fmtInt(view.totalBooks)}`} />
            <Stat label="Current book" value={<span className="small">{active && p?.file_name ? p.file_name : '–'}</span>} />
            <Stat label="Speed" value={active && rate.current?.bps != null ? `${(rate.current.bps / 1048576).toFixed(1)} MB/s` : '–'} />
            <Stat label="Time left" value={active && p ? fmtDuration(etaSeconds(rate.current, p.bytes_done, p.bytes_total)) : '–'} />
            <Stat label="Read" value={p ? `${fmtBytes(p.bytes_done)} / ${fmtBytes(p.bytes_total)}` : '–'} />
          </div>
        )}
        {view.status === 'failed' && view.error && (
          <div className="notice danger" role="alert" style={{ marginTop: '.75rem' }}>
            <strong>The job failed.</strong> {explainError(view.error.code, view.error.message)}{' '}
            <span className="small muted">
              ({view.error.code}: {view.error.message})
            </span>
          </div>
        )}
      </section>

      {failedBooks.length > 0 && (
        <section className="card" aria-labelledby="failed-h">
          <h2 id="failed-h">Books that could not be counted ({failedBooks.length})</h2>
          <ul className="live-list">
            {failedBooks.map((b, i) => (
              <li key={i}>
                <span className="t" title={b.file_name}>
                  {b.title}
                </span>
                <span className="small">
                  <span className="badge danger">{b.error?.code ?? b.status}</span> {explainError(b.error?.code, b.error?.message)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {!doc && (
        <section className="card" aria-labelledby="live-h">
          <h2 id="live-h">Finished books</h2>
          {view.books.length === 0 ? (
            <p className="muted">
              {view.status === 'queued' ? 'Nothing yet: the job is queued.' : 'Books appear here as they are counted.'}
            </p>
          ) : (
            <ol className="live-list" aria-label="Finished books" reversed>
              {[...view.books]
                .reverse()
                .slice(0, 200)
                .map((b, i) => (
                  <li key={view.books.length - i}>
                    <span className="t" title={b.file_name}>
                      {b.title}
                    </span>
                    <span className="small muted">
                      {b.status === 'ok'
                        ? `${fmtInt(b.word_count)} words · ${tokenizers.map((t) => `${t} ${fmtInt(b.token_counts[t])}`).join(' · ')}`
                        : b.error?.code}
                    </span>
                  </li>
                ))}
            </ol>
          )}
          {terminal && !jobError && <Skeleton lines={3} />}
        </section>
      )}
      {jobError != null && terminal && (
        <ErrorView error={jobError} title="Could not load the results" onRetry={() => setReloadTick((t) => t + 1)} />
      )}

      {doc && (
        <Suspense fallback={<Skeleton lines={6} />}>
          <ResultsView doc={doc} baseName={`epubtok-${id}`} />
        </Suspense>
      )}
    </div>
  );
}
