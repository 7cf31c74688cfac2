import { useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { Job } from '../api/types';
import { ErrorView, Skeleton, useAsync } from '../components/common';
import { fmtDate, fmtInt } from '../lib/format';

export default function HistoryScreen() {
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<Job[]>([]);
  const [page, retry] = useAsync((signal) => api.listJobs({ limit: 50, cursor }, signal), [cursor]);
  const jobs = page.status === 'ok' ? [...more, ...page.data.jobs] : more;
  return (
    <section className="card">
      <h1>Past jobs</h1>
      {page.status === 'error' && <ErrorView error={page.error} onRetry={retry} title="Could not load the jobs" />}
      {jobs.length === 0 && page.status === 'ok' && (
        <p className="muted">No jobs yet. <Link href="/">Start a count</Link>.</p>
      )}
      <ul className="history-list" aria-label="Jobs">
        {jobs.map((j) => (
          <li key={j.job_id}>
            <div>
              <Link href={`/jobs/${encodeURIComponent(j.job_id)}`}>{j.request.paths.map((p) => p.split('/').filter(Boolean).pop() ?? p).join(', ')}</Link>
              <div className="small muted">
                {fmtDate(j.created_at)} · {j.request.tokenizers.join(', ')}
                {j.summary && ` · ${fmtInt(j.summary.ok)} books, ${fmtInt(j.summary.word_count)} words`}
                {j.summary && j.summary.failed > 0 && ` · ${fmtInt(j.summary.failed)} failed`}
              </div>
            </div>
            <span className={`badge status-${j.status}`}>{j.status}{j.status === 'queued' && j.position ? ` #${j.position}` : ''}</span>
          </li>
        ))}
      </ul>
      {page.status === 'loading' && <Skeleton lines={5} height="2rem" />}
      {page.status === 'ok' && page.data.next_cursor && (
        <button type="button" style={{ marginTop: '.75rem' }} onClick={() => { setMore(jobs); setCursor(page.data.next_cursor); }}>
          Load older jobs
        </button>
      )}
    </section>
  );
}
