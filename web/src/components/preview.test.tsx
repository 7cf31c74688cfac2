// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextPreview } from './TextPreview';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('TextPreview', () => {
  it('asks /api/text for the chapter and appends the next page on "Load more"', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const offset = Number(new URL(url, 'http://x').searchParams.get('offset'));
      const page =
        offset === 0
          ? { path: '/l/b.epub', chapter: 2, chapters: 3, title: 'Two', offset: 0, total_bytes: 12, next_offset: 6, text: 'Hello ' }
          : { path: '/l/b.epub', chapter: 2, chapters: 3, title: 'Two', offset: 6, total_bytes: 12, next_offset: null, text: 'world!' };
      return new Response(JSON.stringify(page), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    render(<TextPreview path="/l/b.epub" chapters={[{ index: 2, title: 'Two', href: 'c2.xhtml' } as never]} onClose={() => {}} />);
    await waitFor(() => expect(screen.getByLabelText('Chapter text').textContent).toBe('Hello '));
    expect(urls[0]).toBe('/api/text?path=%2Fl%2Fb.epub&chapter=2&offset=0&limit=65536');
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getByLabelText('Chapter text').textContent).toBe('Hello world!'));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/Whole chapter/);
  });

  it('explains a book the server cannot find', async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(JSON.stringify({ error: { code: 'FILE_NOT_FOUND', message: 'no such file: /gone.epub', details: null } }), {
          status: 404,
        }),
    );
    render(<TextPreview path="/gone.epub" chapters={[{ index: 0, title: 'One', href: 'c1.xhtml' } as never]} onClose={() => {}} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/not found.*FILE_NOT_FOUND/s));
  });
});
