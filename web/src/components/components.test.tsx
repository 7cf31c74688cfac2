// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Model } from '../api/types';
import { flattenBooks } from '../lib/books';
import { ResultsTable } from './ResultsTable';
import { TokenizerPicker } from './TokenizerPicker';

afterEach(cleanup);

const models: Model[] = [
  { id: 'o200k_base', name: 'OpenAI o200k_base', family: 'openai', vocab_size: 200019, approximate: false, source: 'tiktoken' },
  { id: 'cl100k_base', name: 'OpenAI cl100k_base', family: 'openai', vocab_size: 100277, approximate: false, source: 'tiktoken' },
  { id: 'claude', name: 'Claude (legacy)', family: 'anthropic', vocab_size: 65000, approximate: true, source: 'npm', note: 'legacy' },
];

describe('TokenizerPicker', () => {
  it('is a group "Tokenizers" of checkboxes named exactly by id', () => {
    render(<TokenizerPicker models={models} selected={['claude']} onChange={() => {}} />);
    const group = screen.getByRole('group', { name: 'Tokenizers' });
    const boxes = within(group).getAllByRole('checkbox');
    expect(
      boxes.map((b) => b.getAttribute('aria-labelledby') && document.getElementById(b.getAttribute('aria-labelledby')!)?.textContent),
    ).toEqual(['o200k_base', 'cl100k_base', 'claude']);
    expect(within(group).getByRole('checkbox', { name: 'claude' })).toHaveProperty('checked', true);
    expect(within(group).getByText('approximate')).toBeTruthy();
  });

  it('reports changes in the server order and selects a whole family', () => {
    const onChange = vi.fn();
    render(<TokenizerPicker models={models} selected={['claude']} onChange={onChange} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'o200k_base' }));
    expect(onChange).toHaveBeenLastCalledWith(['o200k_base', 'claude']);
    fireEvent.click(screen.getAllByRole('button', { name: 'Select family' })[0]);
    expect(onChange).toHaveBeenLastCalledWith(['o200k_base', 'cl100k_base', 'claude']);
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
    render(<ResultsTable books={flattenBooks(doc)} tokenizers={['o200k_base']} baseName="x" onOpen={() => {}} />);
    expect(titles()).toEqual(['Beta', 'Alpha', 'Gamma']);
    fireEvent.click(screen.getByRole('button', { name: /o200k_base/ }));
    const sorted = titles();
    expect([sorted, [...sorted].reverse()]).toContainEqual(['Alpha', 'Gamma', 'Beta']);
    fireEvent.change(screen.getByLabelText('Filter by title or author'), { target: { value: 'yan' } });
    expect(titles()).toEqual(['Alpha']);
    fireEvent.change(screen.getByLabelText('Filter by title or author'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Min tokens'), { target: { value: '150' } });
    fireEvent.change(screen.getByLabelText('Max tokens'), { target: { value: '250' } });
    expect(titles()).toEqual(['Gamma']);
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeTruthy();
  });
});
