import { describe, expect, it } from 'vitest';
import { booksToCsv, flattenBooks, tokenizerIds } from './books';

describe('books', () => {
  const doc = {
    schema_version: '2.0' as const,
    results: [
      {
        file_path: '/a.epub',
        file_name: 'a.epub',
        status: 'ok' as const,
        metadata: { title: 'Hello, "World"', authors: [{ name: 'Ann' }, { name: 'Bo' }], language: 'en' },
        word_count: 5,
        token_counts: { cl100k_base: 7, o200k_base: 6 },
      },
      {
        file_path: '/b.epub',
        file_name: 'b.epub',
        status: 'error' as const,
        error: { code: 'EPUB_DRM', message: 'x' },
        metadata: { title: '=cmd()' },
      },
    ],
    summary: { total: 2, ok: 1, failed: 1, skipped: 0, word_count: 5, char_count: 0, token_counts: { cl100k_base: 7, o200k_base: 6 } },
  };

  it('flattens rows and finds tokenizer columns', () => {
    const flat = flattenBooks(doc);
    expect(flat[0]).toMatchObject({ title: 'Hello, "World"', authors: 'Ann, Bo', language: 'en', words: 5 });
    expect(tokenizerIds(doc)).toEqual(['cl100k_base', 'o200k_base']);
  });

  it('writes RFC 4180 CSV and defuses formulas', () => {
    const csv = booksToCsv(flattenBooks(doc), ['cl100k_base']);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('title,authors,language,file_name,status,error_code,words,tokens_cl100k_base');
    expect(lines[1]).toBe('"Hello, ""World""","Ann, Bo",en,a.epub,ok,,5,7');
    expect(lines[2]).toBe(`"'=cmd()",,,b.epub,error,EPUB_DRM,0,`);
    expect(lines[3]).toBe('');
  });
});

describe('books with the same title', () => {
  const row = (file_path: string, title: string) => ({
    file_path,
    file_name: file_path.split('/').pop()!,
    status: 'ok' as const,
    metadata: { title },
    word_count: 1,
    token_counts: { o200k_base: 1 },
  });
  it('get the file name, or enough of the path to tell them apart', () => {
    const books = flattenBooks({
      results: [
        row('/lib/a/Dune.epub', 'Dune'),
        row('/lib/b/Dune (2nd ed).epub', 'Dune'),
        row('/lib/x/shelf-1/Emma.epub', 'Emma'),
        row('/lib/x/shelf-2/Emma.epub', 'emma '),
        row('/lib/Solo.epub', 'Solo'),
      ],
    });
    expect(books.map((b) => b.subtitle)).toEqual(['Dune.epub', 'Dune (2nd ed).epub', 'shelf-1/Emma.epub', 'shelf-2/Emma.epub', undefined]);
  });
});
