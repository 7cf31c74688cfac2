import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../api/client';
import { connectSse } from '../api/sse';
import { isTerminalName, type Job, type JobStatus, type Summary } from '../api/types';
import { ErrorView, Skeleton, useAsync } from '../components/common';
import { fmtCompact, fmtDate, fmtInt } from '../lib/format';
import { deleteImport, jobTotals, listImports, names, saveJobTotals, setName, type StoredImport } from '../lib/library';

/** One History entry: a job on the server, or a results file opened in this browser. */
interface Entry {
  key: string;
  kind: 'job' | 'import';
  id: string;
  href: string;
  defaultName: string;
  date: string;
  tokenizers: string[];
  summary: Summary | null;
  status: JobStatus | 'imported';
  position?: number | null;
}

const folderName = (p: string) => (p.startsWith('upload:') ? 'uploaded file' : (p.split('/').filter(Boolean).pop() ?? p));

const fromJob = (j: Job, totals: Record<string, Summary>): Entry => ({
  key: `job:${j.job_id}`,
  kind: 'job',
  id: j.job_id,
  href: `/jobs/${encodeURIComponent(j.job_id)}`,
  defaultName: j.request.paths.map(folderName).join(', ') || j.job_id,
  date: j.created_at,
  tokenizers: j.request.tokenizers,
  summary: j.summary ?? totals[j.job_id] ?? null,
  status: j.status,
  position: j.position,
});

const fromImport = (i: StoredImport): Entry => ({
  key: `import:${i.id}`,
  kind: 'import',
  id: i.id,
  href: `/imports/${encodeURIComponent(i.id)}`,
  defaultName: i.fileName,
  date: i.openedAt,
  tokenizers: i.tokenizers,
  summary: i.summary,
  status: 'imported',
});

function Totals({ e }: { e: Entry }) {
  const s = e.summary;
  if (!s || s.ok === undefined) return <>{e.tokenizers.join(', ')}</>;
  return (
    <>
      {fmtInt(s.ok)} books · {fmtCompact(s.word_count)} words
      {s.failed + s.skipped > 0 && ` · ${fmtInt(s.failed + s.skipped)} failed`}
      {' · '}
      {e.tokenizers.map((t, i) => (
        <span key={t}>
          {i > 0 && ', '}
          {t} {s.token_counts?.[t] != null ? fmtCompact(s.token_counts[t]) : ''}
        </span>
      ))}
    </>
  );
}

export default function HistoryScreen() {
  const [, navigate] = useLocation();
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<Job[]>([]);
  const [page, retry] = useAsync((signal) => api.listJobs({ limit: 50, cursor }, signal), [cursor]);
  const [imports, setImports] = useState(listImports);
  const [totals, setTotals] = useState(jobTotals);
  const [labels, setLabels] = useState(names);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [deleted, setDeleted] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<unknown>(null);
  // Live status of every job over one connection (GET /api/events), since
  // browsers allow only 6 connections per host.
  const [live, setLive] = useState<Record<string, { status: JobStatus; percent?: number }>>({});
  useEffect(() => {
    const c = connectSse({
      url: api.globalEventsUrl(),
      onMessage: (m) => {
        let d: { job_id?: string; status?: JobStatus; percent?: number };
        try {
          d = JSON.parse(m.data);
        } catch {
          return;
        }
        if (m.event === 'created' || m.event === 'deleted') {
          if (cursor === null && m.event === 'created') retry();
          return;
        }
        if (d.job_id && d.status) {
          const id = d.job_id;
          const status = d.status;
          setLive((prev) => ({ ...prev, [id]: { status, percent: typeof d.percent === 'number' ? d.percent : prev[id]?.percent } }));
        }
      },
    });
    return () => c.close();
  }, [cursor, retry]);

  const jobs = (page.status === 'ok' ? [...more, ...page.data.jobs] : more).map((j) =>
    live[j.job_id] ? { ...j, status: live[j.job_id].status } : j,
  );
  const entries = [...jobs.map((j) => fromJob(j, totals)), ...imports.map(fromImport)]
    .filter((e) => !deleted.has(e.key))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const nameOf = (e: Entry) => labels[e.id] ?? e.defaultName;

  // Finished jobs whose totals this browser has not seen: read one at a time.
  const missing = jobs.filter((j) => !j.summary && !totals[j.job_id] && isTerminalName(j.status)).map((j) => j.job_id);
  const next = missing[0];
  useEffect(() => {
    if (!next) return;
    const ctrl = new AbortController();
    api.job(next, ctrl.signal).then(
      (j) => {
        if (ctrl.signal.aborted) return;
        const s = j.summary ?? j.results?.summary;
        if (s) saveJobTotals(next, s);
        setTotals((t) => ({ ...t, [next]: s ?? ({} as Summary) }));
      },
      () => !ctrl.signal.aborted && setTotals((t) => ({ ...t, [next]: {} as Summary })),
    );
    return () => ctrl.abort();
  }, [next]);

  const saveName = (e: Entry) => {
    setName(e.id, draft === e.defaultName ? null : draft);
    setLabels(names());
    setRenaming(null);
  };
  const remove = async (e: Entry) => {
    setActionError(null);
    if (!window.confirm(`Delete “${nameOf(e)}” from History?${e.kind === 'job' ? ' Its results are deleted from the server.' : ''}`))
      return;
    try {
      if (e.kind === 'job') await api.deleteJob(e.id);
      else {
        deleteImport(e.id);
        setImports(listImports());
      }
      setName(e.id, null);
      setDeleted((d) => new Set(d).add(e.key));
      setPicked((p) => p.filter((k) => k !== e.key));
    } catch (err) {
      setActionError(err);
    }
  };
  const togglePick = (key: string, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((k) => k !== key), key].slice(-2) : p.filter((k) => k !== key)));
  const comparable = (e: Entry) => e.status === 'completed' || e.status === 'cancelled' || e.status === 'imported';

  return (
    <section className="card">
      <div className="row" style={{ marginBottom: '.5rem' }}>
        <h1 style={{ margin: 0 }}>History</h1>
        <span className="spacer" />
        <span className="small muted" role="status">
          {picked.length === 2 ? 'Two runs picked.' : `Pick two runs to compare (${picked.length} of 2).`}
        </span>
        <button
          type="button"
          className="primary"
          disabled={picked.length !== 2}
          onClick={() => navigate(`/compare?a=${encodeURIComponent(picked[0])}&b=${encodeURIComponent(picked[1])}`)}
        >
          Compare
        </button>
      </div>
      {page.status === 'error' && <ErrorView error={page.error} onRetry={retry} title="Could not load the jobs" />}
      {actionError != null && <ErrorView error={actionError} title="Could not delete" />}
      {entries.length === 0 && page.status === 'ok' && (
        <p className="muted">
          Nothing yet. <Link href="/">Start a count</Link> or <Link href="/import">open a results file</Link>.
        </p>
      )}
      <ul className="history-list" aria-label="Runs">
        {entries.map((e) => (
          <li key={e.key}>
            <input
              type="checkbox"
              aria-label={`Pick ${nameOf(e)} to compare`}
              checked={picked.includes(e.key)}
              disabled={!comparable(e)}
              onChange={(ev) => togglePick(e.key, ev.target.checked)}
            />
            <div className="history-main">
              {renaming === e.key ? (
                <form
                  className="row"
                  onSubmit={(ev) => {
                    ev.preventDefault();
                    saveName(e);
                  }}
                >
                  <input aria-label="New name" value={draft} onChange={(ev) => setDraft(ev.target.value)} autoFocus />
                  <button type="submit">Save</button>
                  <button type="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </form>
              ) : (
                <Link href={e.href}>{nameOf(e)}</Link>
              )}
              <div className="small muted">
                {e.kind === 'import' ? 'Opened file' : 'Job'} · {fmtDate(e.date)} · <Totals e={e} />
              </div>
            </div>
            <span className={`badge status-${e.status}`}>
              {e.status}
              {e.status === 'queued' && e.position ? ` #${e.position}` : ''}
              {e.status === 'running' && live[e.id]?.percent != null ? ` ${live[e.id].percent!.toFixed(0)}%` : ''}
            </span>
            <span className="history-actions">
              <button
                type="button"
                className="small"
                aria-label={`Rename ${nameOf(e)}`}
                onClick={() => {
                  setRenaming(e.key);
                  setDraft(nameOf(e));
                }}
              >
                Rename
              </button>
              <button type="button" className="small danger" aria-label={`Delete ${nameOf(e)}`} onClick={() => void remove(e)}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {page.status === 'loading' && <Skeleton lines={5} height="2rem" />}
      {page.status === 'ok' && page.data.next_cursor && (
        <button
          type="button"
          style={{ marginTop: '.75rem' }}
          onClick={() => {
            setMore(jobs);
            setCursor(page.data.next_cursor);
          }}
        >
          Load older jobs
        </button>
      )}
    </section>
  );
}
