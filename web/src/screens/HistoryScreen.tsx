import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import { connectSse } from '../api/sse';
import type { Job, JobStatus } from '../api/types';
import { ErrorView, Skeleton, useAsync } from '../components/common';
import { fmtDate, fmtInt } from '../lib/format';

export default function HistoryScreen() {
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<Job[]>([]);
  const [page, retry] = useAsync((signal) => api.listJobs({ limit: 50, cursor }, signal), [cursor]);
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
  return (
    <section className="card">
      <h1>Past jobs</h1>
      {page.status === 'error' && <ErrorView error={page.error} onRetry={retry} title="Could not load the jobs" />}
      {jobs.length === 0 && page.status === 'ok' && (
        <p className="muted">
          No jobs yet. <Link href="/">Start a count</Link>.
        </p>
      )}
      <ul className="history-list" aria-label="Jobs">
        {jobs.map((j) => (
          <li key={j.job_id}>
            <div>
              <Link href={`/jobs/${encodeURIComponent(j.job_id)}`}>
                {j.request.paths.map((p) => p.split('/').filter(Boolean).pop() ?? p).join(', ')}
              </Link>
              <div className="small muted">
                {fmtDate(j.created_at)} · {j.request.tokenizers.join(', ')}
                {j.summary && ` · ${fmtInt(j.summary.ok)} books, ${fmtInt(j.summary.word_count)} words`}
                {j.summary && j.summary.failed > 0 && ` · ${fmtInt(j.summary.failed)} failed`}
              </div>
            </div>
            <span className={`badge status-${j.status}`}>
              {j.status}
              {j.status === 'queued' && j.position ? ` #${j.position}` : ''}
              {j.status === 'running' && live[j.job_id]?.percent != null ? ` ${live[j.job_id].percent!.toFixed(0)}%` : ''}
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
