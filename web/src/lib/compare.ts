// Differences between two results documents, book by book and tokenizer by
// tokenizer, with totals: the "Compare" of History.
import type { BookRow, ResultsDocument } from '../api/types';
import { bookTitle } from './books';

export interface CompareRow {
  key: string;
  title: string;
  /** Word and token counts on each side; null where that side lacks the book or it failed there. */
  a: { words: number; tokens: Record<string, number> } | null;
  b: { words: number; tokens: Record<string, number> } | null;
}

export interface Comparison {
  tokenizers: string[];
  rows: CompareRow[];
  totals: { a: Record<string, number>; b: Record<string, number>; wordsA: number; wordsB: number };
  onlyA: number;
  onlyB: number;
}

const side = (r: BookRow | undefined) =>
  r && r.status === 'ok' ? { words: r.word_count ?? 0, tokens: (r.token_counts ?? {}) as Record<string, number> } : null;

/**
 * Matches books by file path, then by file name for the rest (the same
 * library counted from another folder), and compares the tokenizers both
 * documents have. Totals are over the books present and counted on both sides.
 */
export function compareDocs(a: ResultsDocument, b: ResultsDocument): Comparison {
  const tokA = new Set(a.results.flatMap((r) => Object.keys(r.token_counts ?? {})));
  const tokB = new Set(b.results.flatMap((r) => Object.keys(r.token_counts ?? {})));
  const tokenizers = [...tokA].filter((t) => tokB.has(t));
  const byPath = new Map(b.results.map((r) => [r.file_path, r]));
  const used = new Set<BookRow>();
  const pairs: [BookRow | undefined, BookRow | undefined][] = [];
  const unmatched: BookRow[] = [];
  for (const r of a.results) {
    const m = byPath.get(r.file_path);
    if (m && !used.has(m)) {
      used.add(m);
      pairs.push([r, m]);
    } else unmatched.push(r);
  }
  const byName = new Map<string, BookRow[]>();
  for (const r of b.results) if (!used.has(r)) byName.set(r.file_name, [...(byName.get(r.file_name) ?? []), r]);
  for (const r of unmatched) {
    const m = byName.get(r.file_name)?.shift();
    if (m) used.add(m);
    pairs.push([r, m]);
  }
  for (const r of b.results) if (!used.has(r)) pairs.push([undefined, r]);

  const totals = { a: {} as Record<string, number>, b: {} as Record<string, number>, wordsA: 0, wordsB: 0 };
  for (const t of tokenizers) totals.a[t] = totals.b[t] = 0;
  const rows: CompareRow[] = pairs.map(([ra, rb]) => {
    const row = { key: (ra ?? rb)!.file_path, title: bookTitle((ra ?? rb)!), a: side(ra), b: side(rb) };
    if (row.a && row.b) {
      totals.wordsA += row.a.words;
      totals.wordsB += row.b.words;
      for (const t of tokenizers) {
        totals.a[t] += row.a.tokens[t] ?? 0;
        totals.b[t] += row.b.tokens[t] ?? 0;
      }
    }
    return row;
  });
  return { tokenizers, rows, totals, onlyA: pairs.filter(([x, y]) => x && !y).length, onlyB: pairs.filter(([x, y]) => !x && y).length };
}
