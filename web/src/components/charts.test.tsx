// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { flattenBooks } from '../lib/books';
import { heatmapOption, scatterOption, trendSegment } from './Charts';
import { MAX_DEFAULT_SERIES, PALETTE, seriesColor, SeriesPicker, useSeries } from './series';

afterEach(cleanup);

/** CIELAB of an sRGB hex colour (D65). */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047);
  const y = f(r * 0.2126 + g * 0.7152 + b * 0.0722);
  const z = f((r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));

const TWELVE = [
  'o200k_base',
  'cl100k_base',
  'p50k_base',
  'r50k_base',
  'claude',
  'llama-3',
  'llama-3.1',
  'llama-2',
  'qwen-3',
  'deepseek-v3',
  'gemma-3',
  'hf:x/y',
];

describe('series colours', () => {
  it('keeps twelve series clearly apart (ΔE76 ≥ 30 between any two)', () => {
    const colors = TWELVE.map((_, i) => seriesColor(i));
    let min = Infinity;
    for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) min = Math.min(min, deltaE(colors[i], colors[j]));
    expect(min).toBeGreaterThanOrEqual(30);
    // o200k_base (0) and gemma-3 (10) were both blue with a ten-colour cycle.
    expect(deltaE(seriesColor(0), seriesColor(10))).toBeGreaterThan(30);
  });
  it('never repeats a colour, even past the palette', () => {
    const all = Array.from({ length: 40 }, (_, i) => seriesColor(i));
    expect(new Set(all).size).toBe(40);
    expect(PALETTE.length).toBeGreaterThanOrEqual(12);
  });
});

const books = flattenBooks({
  results: [
    {
      file_path: '/a.epub',
      file_name: 'a.epub',
      status: 'ok',
      metadata: { title: 'A' },
      word_count: 1000,
      token_counts: { o200k_base: 900 },
    },
    {
      file_path: '/b.epub',
      file_name: 'b.epub',
      status: 'ok',
      metadata: { title: 'B' },
      word_count: 2000,
      token_counts: { o200k_base: 2500 },
    },
    {
      file_path: '/c.epub',
      file_name: 'c.epub',
      status: 'ok',
      metadata: { title: 'C' },
      word_count: 3000,
      token_counts: { o200k_base: 4100 },
    },
  ],
});

describe('words vs tokens', () => {
  it('draws each trend as a two-point dashed line inside the axes (a negative intercept is clipped at y = 0)', () => {
    // Fit through these three: a = -700, b = 1.6, so the line meets y = 0 at x = 437.5.
    const opt = scatterOption(books, ['o200k_base'], ['o200k_base']);
    const lines = opt.series.filter((s) => s.type === 'line');
    expect(lines).toHaveLength(1);
    const pts = lines[0].data as [number, number][];
    expect(pts).toHaveLength(2);
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
    }
    expect(pts[0]).toEqual([437.5, 0]);
    expect(pts[1][0]).toBe(3000);
    expect(pts[1][1]).toBeCloseTo(4100, 6);
    expect(opt.dataZoom.every((z) => z.filterMode === 'none')).toBe(true);
  });
  it('keeps a positive intercept as it is', () => {
    expect(trendSegment({ a: 10, b: 2 }, 100)).toEqual([
      [0, 10],
      [100, 210],
    ]);
  });
});

describe('heatmap', () => {
  it('labels every tokenizer column', () => {
    const many = flattenBooks({
      results: [
        {
          file_path: '/a',
          file_name: 'a',
          status: 'ok',
          word_count: 1,
          token_counts: Object.fromEntries(TWELVE.map((t, i) => [t, 100 + i])),
        },
      ],
    });
    const opt = heatmapOption(many, TWELVE, 'o200k_base');
    expect(opt.xAxis.data).toEqual(TWELVE);
    expect(opt.xAxis.axisLabel.interval).toBe(0);
    expect(opt.yAxis.axisLabel.interval).toBe(0);
    expect(opt.series[0].data).toHaveLength(12);
  });
});

function Picked({ tokenizers }: { tokenizers: string[] }) {
  const [shown, setShown] = useSeries(tokenizers);
  return (
    <>
      <SeriesPicker tokenizers={tokenizers} shown={shown} onChange={setShown} />
      <output>{shown.join(',')}</output>
    </>
  );
}

describe('series picker', () => {
  it('draws the first four of twelve tokenizers until the user picks others', () => {
    render(<Picked tokenizers={TWELVE} />);
    expect(screen.getByRole('status').textContent).toBe(TWELVE.slice(0, MAX_DEFAULT_SERIES).join(','));
    fireEvent.click(screen.getByRole('checkbox', { name: 'gemma-3' }));
    expect(screen.getByRole('status').textContent).toContain('gemma-3');
    fireEvent.click(screen.getByRole('checkbox', { name: 'o200k_base' }));
    expect(screen.getByRole('status').textContent).not.toContain('o200k_base');
  });
  it('is not shown for a few tokenizers, which are all drawn', () => {
    render(<Picked tokenizers={['o200k_base', 'claude']} />);
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('o200k_base,claude');
  });
});
