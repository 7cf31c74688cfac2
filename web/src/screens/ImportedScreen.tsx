import { lazy, Suspense } from 'react';
import { Link } from 'wouter';
import { Skeleton } from '../components/common';
import { fmtDate } from '../lib/format';
import { listImports, loadImport, names } from '../lib/library';

const ResultsView = lazy(() => import('../components/ResultsView'));

/** A results file opened earlier, kept in this browser and listed in History. */
export default function ImportedScreen({ id }: { id: string }) {
  const entry = listImports().find((x) => x.id === id);
  const doc = entry ? loadImport(id) : null;
  if (!entry || !doc) {
    return (
      <div className="card">
        <h1>Opened results not found</h1>
        <p>
          This browser no longer keeps them. <Link href="/import">Open a results file</Link> or go back to{' '}
          <Link href="/history">History</Link>.
        </p>
      </div>
    );
  }
  const name = names()[id] ?? entry.fileName;
  return (
    <div>
      <div className="row" style={{ marginBottom: '.75rem' }}>
        <h1 style={{ margin: 0 }}>{name}</h1>
        <span className="badge">opened {fmtDate(entry.openedAt)}</span>
      </div>
      <p role="status" className="small muted">
        Opened {entry.fileName}: {doc.results.length} books. Kept in this browser and listed in <Link href="/history">History</Link>.
      </p>
      {entry.trimmed && (
        <p className="notice small">This browser could keep these results only without their chapter breakdowns (local storage is full).</p>
      )}
      <Suspense fallback={<Skeleton lines={6} />}>
        <ResultsView doc={doc} baseName={entry.fileName.replace(/\.json$/i, '') || 'results'} />
      </Suspense>
    </div>
  );
}
