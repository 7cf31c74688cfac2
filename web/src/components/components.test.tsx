// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Model } from '../api/types';
import { flattenBooks } from '../lib/books';
import { resetPrices } from '../lib/priceStore';
import { CostPanel } from './CostPanel';
import { ResultsTable } from './ResultsTable';
import { TokenizerPicker } from './TokenizerPicker';

const downloads: { name: string; text: string }[] = [];
vi.mock('../lib/books', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/books')>()),
  downloadText: (name: string, text: string) => downloads.push({ name, text }),
}));

beforeAll(() => {
  // jsdom has no layout: nothing overflows, but the table observes its size.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
  localStorage.clear();
  downloads.length = 0;
});

const models: Model[] = [
  {
    id: 'o200k_base',
    name: 'OpenAI o200k_base',
    family: 'openai',
    vocab_size: 200019,
    approximate: false,
    source: 'tiktoken',
    aliases: ['gpt-4o', 'gpt-4o-mini', 'gpt-5', 'chatgpt-4o-latest'],
    exactness: 'exact',
    exactness_reason: 'tiktoken',
    remote: false,
  },
  {
    id: 'cl100k_base',
    name: 'OpenAI cl100k_base',
    family: 'openai',
    vocab_size: 100277,
    approximate: false,
    source: 'tiktoken',
    aliases: ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo'],
    exactness: 'exact',
    exactness_reason: 'tiktoken',
    remote: false,
  },
  {
    id: 'p50k_base',
    name: 'OpenAI p50k_base',
    family: 'openai',
    vocab_size: 50281,
    approximate: false,
    source: 'tiktoken',
    aliases: ['text-davinci-003'],
    exactness: 'exact',
    exactness_reason: 'tiktoken',
    remote: false,
  },
  {
    id: 'claude',
    name: 'Claude (legacy)',
    family: 'anthropic',
    vocab_size: 65000,
    approximate: true,
    exactness: 'approximate',
    exactness_reason: 'legacy',
    remote: false,
    source: 'npm',
    note: 'legacy',
  },
];
const apiModel: Model = {
  id: 'claude-api:claude-sonnet-4-5',
  name: 'Claude Sonnet 4.5 via Anthropic API',
  family: 'anthropic',
  vocab_size: 0,
  approximate: false,
  exactness: 'api',
  exactness_reason: "Anthropic's own count",
  remote: true,
  source: 'via Anthropic API, POST https://api.anthropic.com/v1/messages/count_tokens',
};

describe('TokenizerPicker', () => {
  const visible = () =>
    within(screen.getByRole('group', { name: 'Tokenizers' }))
      .queryAllByRole('checkbox')
      .filter((b) => !b.closest('[hidden]'))
      .map((b) => document.getElementById(b.getAttribute('aria-labelledby')!)!.textContent);
  const search = (q: string) => fireEvent.change(screen.getByRole('searchbox', { name: 'Search tokenizers' }), { target: { value: q } });

  it('finds a tokenizer by a model name and shows the alias that matched', () => {
    render(<TokenizerPicker models={models} selected={[]} onChange={() => {}} />);
    search('gpt-4o');
    expect(visible()).toEqual(['o200k_base']);
    expect(screen.getByText('gpt-4o → o200k_base')).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'o200k_base' }).getAttribute('aria-describedby')).toContain('-a-');
  });

  it('finds the tokenizer of a priced model family ("sonnet" → claude)', () => {
    render(<TokenizerPicker models={models} selected={[]} onChange={() => {}} />);
    search('sonnet');
    expect(visible()).toEqual(['claude']);
    expect(screen.getByText(/Claude Sonnet .* → claude/)).toBeTruthy();
  });

  it('falls back to the family name when nothing else matches', () => {
    render(<TokenizerPicker models={models} selected={[]} onChange={() => {}} />);
    search('openai');
    expect(visible()).toEqual(['o200k_base', 'cl100k_base', 'p50k_base']);
  });

  it('is a group "Tokenizers" of checkboxes named exactly by id', () => {
    render(<TokenizerPicker models={models} selected={['claude']} onChange={() => {}} />);
    const group = screen.getByRole('group', { name: 'Tokenizers' });
    const boxes = within(group).getAllByRole('checkbox');
    expect(
      boxes.map((b) => b.getAttribute('aria-labelledby') && document.getElementById(b.getAttribute('aria-labelledby')!)?.textContent),
    ).toEqual(['o200k_base', 'cl100k_base', 'p50k_base', 'claude']);
    expect(within(group).getByRole('checkbox', { name: 'claude' })).toHaveProperty('checked', true);
    expect(within(group).getByText('approximate')).toBeTruthy();
  });

  it('reports changes in the server order and selects a whole family', () => {
    const onChange = vi.fn();
    render(<TokenizerPicker models={models} selected={['claude']} onChange={onChange} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'o200k_base' }));
    expect(onChange).toHaveBeenLastCalledWith(['o200k_base', 'claude']);
    fireEvent.click(screen.getAllByRole('button', { name: 'Select family' })[0]);
    expect(onChange).toHaveBeenLastCalledWith(['o200k_base', 'cl100k_base', 'p50k_base', 'claude']);
  });

  it('marks an API tokenizer and says, once picked, that the text leaves this machine', () => {
    const { rerender } = render(<TokenizerPicker models={[...models, apiModel]} selected={['claude']} onChange={() => {}} />);
    expect(screen.getByText('API').className).toContain('badge api');
    expect(screen.queryByRole('note', { name: 'Text leaves this machine' })).toBeNull();
    rerender(<TokenizerPicker models={[...models, apiModel]} selected={['claude', apiModel.id]} onChange={() => {}} />);
    const note = screen.getByRole('note', { name: 'Text leaves this machine' });
    expect(note.textContent).toContain('claude-api:claude-sonnet-4-5');
    expect(note.textContent).toContain('Anthropic');
  });

  it('filters by search and shows a validation error', () => {
    render(<TokenizerPicker models={models} selected={[]} onChange={() => {}} error="Pick at least one tokenizer." />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search tokenizers' }), { target: { value: 'anthro' } });
    expect(screen.getByRole('checkbox', { name: 'claude' })).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: 'o200k_base' })).toBeNull(); // hidden
    expect(screen.getByRole('alert').textContent).toBe('Pick at least one tokenizer.');
  });
});

describe('ResultsTable', () => {
  const doc = {
    schema_version: '2.0' as const,
    results: [
      {
        file_path: '/a',
        file_name: 'a.epub',
        status: 'ok' as const,
        metadata: { title: 'Beta', authors: [{ name: 'Zed' }] },
        word_count: 10,
        token_counts: { o200k_base: 300 },
      },
      {
        file_path: '/b',
        file_name: 'b.epub',
        status: 'ok' as const,
        metadata: { title: 'Alpha', authors: [{ name: 'Yan' }] },
        word_count: 20,
        token_counts: { o200k_base: 100 },
      },
      {
        file_path: '/c',
        file_name: 'c.epub',
        status: 'ok' as const,
        metadata: { title: 'Gamma', authors: [{ name: 'Xi' }] },
        word_count: 30,
        token_counts: { o200k_base: 200 },
      },
    ],
    summary: { total: 3, ok: 3, failed: 0, skipped: 0, word_count: 60, char_count: 0, token_counts: { o200k_base: 600 } },
  };
  const titles = () =>
    within(screen.getByRole('table', { name: 'Results' }))
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.querySelector('td')!.textContent);

  it('has one row per book, sorts by a token column and filters', () => {
    render(<ResultsTable doc={doc} books={flattenBooks(doc)} tokenizers={['o200k_base']} baseName="x" onOpen={() => {}} />);
    expect(titles()).toEqual(['Beta', 'Alpha', 'Gamma']);
    fireEvent.click(screen.getByRole('button', { name: /o200k_base/ }));
    const sorted = titles();
    expect([sorted, [...sorted].reverse()]).toContainEqual(['Alpha', 'Gamma', 'Beta']);
    fireEvent.change(screen.getByLabelText('Filter by title, author or file'), { target: { value: 'yan' } });
    expect(titles()).toEqual(['Alpha']);
    fireEvent.change(screen.getByLabelText('Filter by title, author or file'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Min tokens'), { target: { value: '150' } });
    fireEvent.change(screen.getByLabelText('Max tokens'), { target: { value: '250' } });
    expect(titles()).toEqual(['Gamma']);
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeTruthy();
  });

  const table = () =>
    render(<ResultsTable doc={doc} books={flattenBooks(doc)} tokenizers={['o200k_base']} baseName="x" onOpen={() => {}} />);

  it('exports the CSV in the order shown, under a name that says when it is filtered', () => {
    table();
    fireEvent.click(screen.getByRole('button', { name: /^Words/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const order = (csv: string) =>
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]);
    expect(order(downloads[0].text)).toEqual(titles());
    expect(downloads[0].name).toBe('x.csv');
    fireEvent.change(screen.getByLabelText('Min tokens'), { target: { value: '150' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(order(downloads[1].text)).toEqual(titles());
    expect(titles()).toHaveLength(2);
    expect(downloads[1].name).not.toBe('x.csv');
  });

  it('exports JSON as a results document whose summary adds up (so Open results reads it back)', () => {
    table();
    fireEvent.change(screen.getByLabelText('Max tokens'), { target: { value: '250' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    const out = JSON.parse(downloads[0].text);
    expect(out.schema_version).toBe('2.0');
    expect(out.results.map((r: { file_name: string }) => r.file_name).sort()).toEqual(['b.epub', 'c.epub']);
    expect(out.summary).toMatchObject({ total: 2, ok: 2, failed: 0, skipped: 0, word_count: 50, token_counts: { o200k_base: 300 } });
  });

  it('says so when min is more than max', () => {
    table();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(screen.getByLabelText('Min tokens'), { target: { value: '300' } });
    fireEvent.change(screen.getByLabelText('Max tokens'), { target: { value: '100' } });
    expect(screen.getByRole('alert').textContent).toMatch(/Min tokens \(300\) is more than max tokens \(100\)/);
  });

  it('keeps sort and filters in the address, and reads them back', () => {
    table();
    fireEvent.change(screen.getByLabelText('Filter by title, author or file'), { target: { value: 'a' } });
    fireEvent.click(screen.getByRole('button', { name: /o200k_base/ }));
    const search = new URLSearchParams(window.location.search);
    expect(search.get('q')).toBe('a');
    expect(search.get('sort')).toMatch(/^tok:o200k_base:(asc|desc)$/);
    const shown = titles();
    cleanup();
    table();
    expect(titles()).toEqual(shown);
    expect(screen.getByLabelText<HTMLInputElement>('Filter by title, author or file').value).toBe('a');
  });

  it('explains how words are counted beside the Words column', () => {
    table();
    const words = screen.getByRole('button', { name: /^Words/ });
    const note = document.getElementById(words.getAttribute('aria-describedby')!);
    expect(note?.textContent).toMatch(/Chinese, Japanese and Thai/);
  });

  it('has a Context fit column: one request, or how many at that window', () => {
    const big = {
      ...doc,
      results: [
        { ...doc.results[0], token_counts: { o200k_base: 300_000 } },
        { ...doc.results[1], token_counts: { o200k_base: 1000 } },
      ],
    };
    render(<ResultsTable doc={big} books={flattenBooks(big)} tokenizers={['o200k_base']} baseName="x" onOpen={() => {}} />);
    expect(screen.getByRole('columnheader', { name: /Context fit/ })).toBeTruthy();
    const rows = within(screen.getByRole('table', { name: 'Results' }))
      .getAllByRole('row')
      .slice(1);
    const fit = (r: HTMLElement) => r.querySelector('td.fit')!.textContent;
    expect(fit(rows[0])).toMatch(/Needs 3 requests at 128K/);
    expect(fit(rows[0])).toMatch(/Fits 1\.05M/);
    expect(fit(rows[1])).toMatch(/Fits 128K.*Fits 200K.*Fits 1\.05M/);
    fireEvent.change(screen.getByLabelText('Context fit'), { target: { value: 'split' } });
    expect(within(screen.getByRole('table', { name: 'Results' })).getAllByRole('row')).toHaveLength(2);
  });
});

describe('CostPanel', () => {
  afterEach(resetPrices);
  const books = flattenBooks({
    results: [
      {
        file_path: '/big',
        file_name: 'big.epub',
        status: 'ok',
        metadata: { title: 'Big' },
        word_count: 1,
        token_counts: { o200k_base: 300_000 },
      },
      {
        file_path: '/small',
        file_name: 'small.epub',
        status: 'ok',
        metadata: { title: 'Small' },
        word_count: 1,
        token_counts: { o200k_base: 10_000 },
      },
    ],
  });
  const row = (name: string) => screen.getAllByRole('row').find((r) => r.querySelector('td')?.textContent === name)!;
  const cell = (name: string, label: string) => row(name).querySelector(`td[data-label="${label}"]`)!.textContent;

  it('splits a book larger than the context window into requests, never one', () => {
    render(<CostPanel books={books} tokenizers={['o200k_base']} />);
    // GPT-4o, 128K: 300K → 3 requests (+1 for the small book), $0.75 + $0.025.
    expect(cell('GPT-4o', 'Requests')).toMatch(/^4\s*1 split$/);
    expect(cell('GPT-4o', 'Library cost')).toBe('$0.775');
    expect(cell('GPT-4o', 'Largest book')).toBe('$0.750 in 3 requests');
    expect(cell('GPT-4.1', 'Requests')).toBe('2');
    expect(document.body.textContent).not.toMatch(/prices\.json/);
  });

  it('saves edited prices and windows, and resets them to the dated table', () => {
    render(<CostPanel books={books} tokenizers={['o200k_base']} />);
    fireEvent.change(screen.getByLabelText('GPT-4o input price per 1M tokens'), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('GPT-4o context window, tokens'), { target: { value: '400000' } });
    expect(cell('GPT-4o', 'Library cost')).toBe('$1.55');
    expect(JSON.parse(localStorage.getItem('epubtok.prices.overrides')!)).toEqual({
      'gpt-4o': { input_per_mtok: 5, context_window: 400000 },
    });
    fireEvent.change(screen.getByLabelText('Output tokens per request'), { target: { value: '1000' } });
    expect(JSON.parse(localStorage.getItem('epubtok.prices.assumptions')!).outputTokens).toBe(1000);
    fireEvent.click(screen.getByRole('button', { name: 'Reset to the dated table' }));
    expect(cell('GPT-4o', 'Library cost')).toBe('$0.775');
    expect(localStorage.getItem('epubtok.prices.overrides')).toBeNull();
  });
});
