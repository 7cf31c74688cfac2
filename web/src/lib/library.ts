// What History keeps in this browser: opened results files (the server
// never sees them) and the names the user gave to jobs and imports.
import type { ResultsDocument } from '../api/types';
import { loadJson, removeKey, saveJson } from './storage';

const INDEX_KEY = 'epubtok.imports';
const DOC_KEY = (id: string) => `epubtok.import.${id}`;
const NAMES_KEY = 'epubtok.names';

export interface StoredImport {
  id: string;
  fileName: string;
  openedAt: string;
  books: number;
  tokenizers: string[];
  summary: ResultsDocument['summary'];
  /** True when the chapters were dropped to fit in local storage. */
  trimmed?: boolean;
}

const isIndex = (v: unknown): v is StoredImport[] => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && 'id' in x);

export function listImports(): StoredImport[] {
  return loadJson(INDEX_KEY, [] as StoredImport[], isIndex);
}

export function loadImport(id: string): ResultsDocument | null {
  return loadJson<ResultsDocument | null>(DOC_KEY(id), null);
}

/**
 * Keeps an opened document for History. When local storage is too small
 * for it, keeps it without chapter breakdowns; null when even that fails.
 */
export function saveImport(fileName: string, doc: ResultsDocument, tokenizers: string[]): StoredImport | null {
  const id = `imp-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const entry: StoredImport = {
    id,
    fileName,
    openedAt: new Date().toISOString(),
    books: doc.results.length,
    tokenizers,
    summary: doc.summary,
  };
  if (!saveJson(DOC_KEY(id), doc)) {
    const slim = { ...doc, results: doc.results.map((r) => ({ ...r, chapters: undefined })) };
    if (!saveJson(DOC_KEY(id), slim)) return null;
    entry.trimmed = true;
  }
  if (!saveJson(INDEX_KEY, [entry, ...listImports()])) {
    removeKey(DOC_KEY(id));
    return null;
  }
  return entry;
}

export function deleteImport(id: string): void {
  removeKey(DOC_KEY(id));
  saveJson(
    INDEX_KEY,
    listImports().filter((x) => x.id !== id),
  );
  setName(id, null);
}

export function names(): Record<string, string> {
  return loadJson(
    NAMES_KEY,
    {} as Record<string, string>,
    (v): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v),
  );
}

/** Renames a job or import; null or blank restores the default name. */
export function setName(id: string, name: string | null): void {
  const all = names();
  if (name && name.trim()) all[id] = name.trim();
  else delete all[id];
  saveJson(NAMES_KEY, all);
}

const TOTALS_KEY = 'epubtok.jobTotals';
type Totals = Record<string, ResultsDocument['summary']>;

/**
 * Totals of finished jobs seen in this browser. The job list does not carry
 * them (GET /api/jobs omits summaries), and a job's own resource carries its
 * whole results, so History reads them once and keeps them here.
 */
export function jobTotals(): Totals {
  return loadJson(TOTALS_KEY, {} as Totals, (v): v is Totals => typeof v === 'object' && v !== null && !Array.isArray(v));
}

export function saveJobTotals(id: string, summary: ResultsDocument['summary']): void {
  const all = jobTotals();
  all[id] = summary;
  const ids = Object.keys(all);
  // Bounded: the oldest entries go first (insertion order).
  for (const old of ids.slice(0, Math.max(0, ids.length - 500))) delete all[old];
  saveJson(TOTALS_KEY, all);
}
