// View state that belongs in the address (tab, filters, sort): shareable,
// and kept across a reload. Updates replace the history entry, so typing in
// a filter does not fill the back button.
import { useCallback, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function subscribe(l: () => void): () => void {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
}

/** Sets (or, for the default value, removes) query parameters of the current address. */
export function setUrlParams(values: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  if (url.href === window.location.href) return;
  window.history.replaceState(window.history.state, '', url);
  notify();
}

/** One query parameter as React state; `fallback` when absent (and then left out of the address). */
export function useUrlParam(name: string, fallback: string): [string, (v: string) => void] {
  const value = useSyncExternalStore(subscribe, () => new URLSearchParams(window.location.search).get(name));
  const set = useCallback((v: string) => setUrlParams({ [name]: v === fallback ? null : v }), [name, fallback]);
  return [value ?? fallback, set];
}
