import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { explainError } from '../lib/errors';

export function Skeleton({ lines = 3, height = '1rem' }: { lines?: number; height?: string }) {
  return (
    <div aria-busy="true" aria-label="Loading" role="status" className="stack">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton" style={{ height, width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

/** A friendly error with the server's code explained and a retry button. */
export function ErrorView({
  error,
  onRetry,
  title = 'Something went wrong',
  showServerMessage = true,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  showServerMessage?: boolean;
}) {
  const e = error instanceof ApiError ? error : null;
  const message = e ? explainError(e.code, e.message) : error instanceof Error ? error.message : String(error);
  return (
    <div className="notice danger" role="alert">
      <strong>{title}</strong>
      <p style={{ margin: '.25rem 0' }}>{message}</p>
      {showServerMessage && e && e.message && e.message !== message && (
        <p className="small muted" style={{ margin: '.25rem 0' }}>
          {e.message}
        </p>
      )}
      {e && (
        <p className="small muted" style={{ margin: 0 }}>
          Code: {e.code}
        </p>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry} style={{ marginTop: '.5rem' }}>
          Retry
        </button>
      )}
    </div>
  );
}

export type AsyncState<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T };

/** Runs `load` on mount and on retry(); aborts when unmounted. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctrl = new AbortController();
    setState({ status: 'loading' });
    loadRef.current(ctrl.signal).then(
      (data) => !ctrl.signal.aborted && setState({ status: 'ok', data }),
      (error) => !ctrl.signal.aborted && setState({ status: 'error', error }),
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, ...deps]);
  const retry = useCallback(() => setTick((t) => t + 1), []);
  return [state, retry];
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}
