// Flattening book rows for tables, charts and exports.
import type { BookRow, ResultsDocument } from '../api/types';

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

export function flattenBooks(doc: Pick<ResultsDocument, 'results'>): FlatBook[] {
  return doc.results.map((b, index) => ({
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
