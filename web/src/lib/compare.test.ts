import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../api/types';
import { compareDocs } from './compare';

const doc = (rows: [string, number, Record<string, number>][]): ResultsDocument => ({
  schema_version: '2.0',
  results: rows.map(([p, words, tokens]) => ({
    file_path: p,
    file_name: p.split('/').pop()!,
    status: 'ok',
    metadata: { title: p },
    word_count: words,
    token_counts: tokens,
  })),
  summary: { total: 0, ok: 0, failed: 0, skipped: 0, word_count: 0, char_count: 0, token_counts: {} },
});

describe('compareDocs', () => {
  it('pairs books by path, then by file name, and totals the tokenizers both sides counted', () => {
    const a = doc([
      ['/lib/x.epub', 100, { o200k_base: 150, claude: 170 }],
      ['/lib/y.epub', 200, { o200k_base: 300, claude: 330 }],
      ['/lib/only-a.epub', 5, { o200k_base: 9, claude: 9 }],
    ]);
    const b = doc([
      ['/lib/x.epub', 100, { o200k_base: 160 }],
      ['/other/y.epub', 200, { o200k_base: 280 }],
      ['/lib/only-b.epub', 1, { o200k_base: 2 }],
    ]);
    const c = compareDocs(a, b);
    expect(c.tokenizers).toEqual(['o200k_base']);
    expect(c.rows.map((r) => [r.key, r.a?.tokens.o200k_base ?? null, r.b?.tokens.o200k_base ?? null])).toEqual([
      ['/lib/x.epub', 150, 160],
      ['/lib/y.epub', 300, 280],
      ['/lib/only-a.epub', 9, null],
      ['/lib/only-b.epub', null, 2],
    ]);
    expect(c.totals).toEqual({ a: { o200k_base: 450 }, b: { o200k_base: 440 }, wordsA: 300, wordsB: 300 });
    expect([c.onlyA, c.onlyB]).toEqual([1, 1]);
  });
});
