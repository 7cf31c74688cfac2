import { lazy, Suspense, useState } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError } from '../api/client';
import type { ResultsDocument } from '../api/types';
import { ErrorView, Skeleton } from '../components/common';
import { tokenizerIds } from '../lib/books';
import { saveImport } from '../lib/library';

const ResultsView = lazy(() => import('../components/ResultsView'));

/** Opens a results.json (ours, or the original tool's schema 1.0) validated by the server. */
export default function ImportScreen() {
  const [doc, setDoc] = useState<ResultsDocument | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [, navigate] = useLocation();

  const open = async (file: File) => {
    setBusy(true);
    setError(null);
    setDoc(null);
    setName(file.name);
    try {
      const opened = await api.validateResults(await file.text());
      // Kept in this browser and listed in History; its own address survives a reload.
      const saved = saveImport(file.name, opened, tokenizerIds(opened));
      if (saved) navigate(`/imports/${encodeURIComponent(saved.id)}`);
      else setDoc(opened);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const problems =
    error instanceof ApiError && error.details && Array.isArray((error.details as { problems?: unknown }).problems)
      ? (error.details as { problems: unknown[] }).problems.map(String)
      : [];

  return (
    <div>
      <section className="card stack">
        <h1>Open a results file</h1>
        <p className="muted" style={{ margin: 0 }}>
          A <code>results.json</code> written by epubtok (schema 2.0) or by the original tool (schema 1.0). The server checks and normalises
          it.
        </p>
        <label className="field">
          Results file (results.json)
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void open(f);
              e.target.value = '';
            }}
          />
        </label>
        {busy && <Skeleton lines={2} />}
        {error != null && (
          <div>
            <ErrorView error={error} title={`${name} is not a valid results file`} showServerMessage={problems.length === 0} />
            {problems.length > 0 && (
              <ul aria-label="Problems" className="small">
                {problems.map((p, i) => (
                  <li key={i}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {doc && (
          <p role="status" className="small muted" style={{ margin: 0 }}>
            Opened {name}: {doc.results.length} books.
          </p>
        )}
      </section>
      {doc && (
        <Suspense fallback={<Skeleton lines={6} />}>
          <ResultsView doc={doc} baseName={name.replace(/\.json$/i, '') || 'results'} />
        </Suspense>
      )}
    </div>
  );
}
