// Flattening book rows for tables, charts and exports.
import type { BookRow, ResultsDocument, Summary } from '../api/types';

export interface FlatBook {
  index: number;
  title: string;
  authors: string;
  language: string;
  words: number;
  chars: number;
  tokens: Record<string, number>;
  status: string;
  errorCode?: string;
  errorMessage?: string;
  fileName: string;
  filePath: string;
  fileSize: number;
  /**
   * Set when another book has the same title: the shortest end of the file
   * path that tells them apart ("a/book.epub"), so twins can be told apart.
   */
  subtitle?: string;
  row: BookRow;
}

export function bookTitle(b: BookRow): string {
  const t = b.metadata?.title;
  return typeof t === 'string' && t.trim() ? t : b.file_name;
}

export function bookAuthors(b: BookRow): string {
  const a = b.metadata?.authors;
  if (!Array.isArray(a)) return '';
  return a
    .map((x) => (typeof x === 'string' ? x : (x?.name ?? '')))
    .filter(Boolean)
    .join(', ');
}

/** The last `n` components of a path. */
const pathTail = (p: string, n: number) => p.split(/[\\/]/).filter(Boolean).slice(-n).join('/');

/**
 * Gives every book whose title another book shares a subtitle: the file name,
 * or as many trailing path components as it takes to make it unique.
 */
export function disambiguate(books: FlatBook[]): void {
  const byTitle = new Map<string, FlatBook[]>();
  for (const b of books) {
    const key = b.title.trim().toLowerCase();
    const list = byTitle.get(key);
    if (list) list.push(b);
    else byTitle.set(key, [b]);
  }
  for (const group of byTitle.values()) {
    if (group.length < 2) continue;
    const depth = Math.max(...group.map((b) => b.filePath.split(/[\\/]/).filter(Boolean).length), 1);
    for (let n = 1; n <= depth; n++) {
      const tails = group.map((b) => pathTail(b.filePath || b.fileName, n));
      if (new Set(tails).size === group.length || n === depth) {
        group.forEach((b, i) => (b.subtitle = tails[i]));
        break;
      }
    }
  }
}

export function flattenBooks(doc: Pick<ResultsDocument, 'results'>): FlatBook[] {
  const books: FlatBook[] = doc.results.map((b, index) => ({
    index,
    title: bookTitle(b),
    authors: bookAuthors(b),
    language: (b.metadata?.language as string | undefined) ?? b.metadata?.languages?.[0] ?? '',
    words: b.word_count ?? 0,
    chars: b.char_count ?? 0,
    tokens: (b.token_counts ?? {}) as Record<string, number>,
    status: b.status,
    errorCode: b.error?.code,
    errorMessage: b.error?.message,
    fileName: b.file_name,
    filePath: b.file_path,
    fileSize: b.file_size ?? 0,
    row: b,
  }));
  disambiguate(books);
  return books;
}

/** Tokenizer columns: the document's options order, else every id seen. */
export function tokenizerIds(doc: ResultsDocument): string[] {
  const fromOptions = doc.options?.tokenizers;
  if (Array.isArray(fromOptions) && fromOptions.length) return fromOptions;
  const seen = new Set<string>();
  for (const b of doc.results) for (const k of Object.keys(b.token_counts ?? {})) seen.add(k);
  for (const k of Object.keys(doc.summary?.token_counts ?? {})) seen.add(k);
  return [...seen];
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${(/^[=+\-@\t]/.test(s) ? "'" : '') + s.replace(/"/g, '""')}"` : s;
};

/**
 * RFC 4180 CSV of the given books. Cells that a spreadsheet would run as a
 * formula (leading = + - @) are prefixed with a quote: book metadata is
 * untrusted input.
 */
export function booksToCsv(books: readonly FlatBook[], tokenizers: readonly string[]): string {
  const header = ['title', 'authors', 'language', 'file_name', 'status', 'error_code', 'words', ...tokenizers.map((t) => `tokens_${t}`)];
  const lines = [header.map(csvCell).join(',')];
  for (const b of books) {
    lines.push(
      [b.title, b.authors, b.language, b.fileName, b.status, b.errorCode ?? '', b.words, ...tokenizers.map((t) => b.tokens[t] ?? '')]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The totals of a results document over `rows`, as the server's validator adds them up. */
export function summarize(rows: readonly BookRow[], tokenizers: readonly string[]): Summary {
  const token_counts: Record<string, number> = {};
  for (const t of tokenizers) token_counts[t] = 0;
  const s: Summary = { total: 0, ok: 0, failed: 0, skipped: 0, word_count: 0, char_count: 0, token_counts };
  for (const b of rows) {
    s.total++;
    if (b.status === 'ok') {
      s.ok++;
      s.word_count += b.word_count ?? 0;
      s.char_count += b.char_count ?? 0;
      for (const [t, n] of Object.entries(b.token_counts ?? {})) token_counts[t] = (token_counts[t] ?? 0) + (n as number);
    } else if (b.status === 'error') s.failed++;
    else s.skipped++;
  }
  return s;
}

/**
 * A results document (schema 2.0) of some of `doc`'s rows: what every JSON
 * export of the app writes, so "Open results" can read it back. `extra`
 * fields (the budget's choice, say) ride along at the top level, which the
 * schema allows.
 */
export function subsetDocument(
  doc: ResultsDocument,
  rows: readonly BookRow[],
  tokenizers: readonly string[],
  extra: Record<string, unknown> = {},
): ResultsDocument {
  return {
    ...extra,
    schema_version: '2.0',
    generated_at: new Date().toISOString(),
    tool: doc.tool,
    options: { ...doc.options, tokenizers: [...tokenizers] },
    results: [...rows],
    summary: summarize(rows, tokenizers),
  };
}
