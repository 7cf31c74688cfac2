// Charts, in their own lazily loaded chunk (ECharts is the bulk of the
// bundle). ECharts draws on canvas, handles thousands of points, and gives
// tooltips, zoom/pan (dataZoom) and heatmaps without custom code.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Chapter } from '../api/types';
import type { FlatBook } from '../lib/books';
import { fmtCompact, fmtInt } from '../lib/format';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

import { seriesColor, SeriesPicker, useSeries } from './series';

/** True on phone-sized screens: shorter axis labels, fewer ticks. */
function useNarrow(): boolean {
  const query = '(max-width: 640px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const q = window.matchMedia(query);
    const on = () => setNarrow(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return narrow;
}

function useDark(): boolean {
  const [dark, setDark] = useState(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const q = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => setDark(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark;
}

/** A book's axis label: its title, and for twins the path that tells them apart. */
const bookLabel = (b: FlatBook) => (b.subtitle ? `${b.title} (${b.subtitle})` : b.title);

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One ECharts instance, resized with its box, themed with the system. */
export function EChart({ option, label, tall = false }: { option: echarts.EChartsCoreOption; label: string; tall?: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const dark = useDark();
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [dark]);
  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        aria: { enabled: true, label: { description: label } },
        animation: false,
        ...option,
      },
      { notMerge: true },
    );
  }, [option, label, dark]);
  return (
    <figure role="img" aria-label={label}>
      <div ref={el} className={`chart${tall ? ' tall' : ''}`} />
    </figure>
  );
}

type SortKey = 'tokens-desc' | 'tokens-asc' | 'title';

/** Tokens per book: horizontal bars, one series per tokenizer. */
export function TokensPerBook({ books, tokenizers }: { books: FlatBook[]; tokenizers: string[] }) {
  const [sort, setSort] = useState<SortKey>('tokens-desc');
  const [shown, setShown] = useSeries(tokenizers);
  const narrow = useNarrow();
  const ok = useMemo(() => books.filter((b) => b.status === 'ok'), [books]);
  const option = useMemo(() => {
    const key = shown[0] ?? tokenizers[0];
    const sorted = [...ok].sort((a, b) =>
      sort === 'title'
        ? b.title.localeCompare(a.title)
        : sort === 'tokens-desc'
          ? (a.tokens[key] ?? 0) - (b.tokens[key] ?? 0)
          : (b.tokens[key] ?? 0) - (a.tokens[key] ?? 0),
    );
    const many = sorted.length > 25;
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number; seriesName: string; value: number; marker: string }[]) => {
          const b = sorted[params[0].dataIndex];
          const lines = params.map((p) => `${p.marker}${esc(p.seriesName)}: <b>${fmtInt(p.value)}</b> tokens`);
          return `<b>${esc(b.title)}</b><br/>${esc(b.authors || 'Unknown author')}${b.language ? ` · ${esc(b.language)}` : ''}<br/>${fmtInt(b.words)} words<br/>${lines.join('<br/>')}`;
        },
      },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: many ? 48 : 16, top: 32, bottom: 24, containLabel: true },
      xAxis: { type: 'value', splitNumber: narrow ? 3 : 5, axisLabel: { formatter: (v: number) => fmtCompact(v), hideOverlap: true } },
      yAxis: { type: 'category', data: sorted.map(bookLabel), axisLabel: { width: narrow ? 96 : 160, overflow: 'truncate' } },
      dataZoom: many
        ? [
            {
              type: 'slider',
              yAxisIndex: 0,
              right: 8,
              startValue: Math.max(0, sorted.length - 25),
              endValue: sorted.length - 1,
              width: 18,
            },
            { type: 'inside', yAxisIndex: 0 },
          ]
        : [],
      series: shown.map((t) => ({
        type: 'bar',
        name: t,
        color: seriesColor(tokenizers.indexOf(t)),
        data: sorted.map((b) => b.tokens[t] ?? 0),
        large: sorted.length > 500,
      })),
    };
  }, [ok, tokenizers, shown, sort, narrow]);
  return (
    <div>
      <div className="toolbar">
        <label>
          Sort bars
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="tokens-desc">Most tokens first ({shown[0] ?? tokenizers[0]})</option>
            <option value="tokens-asc">Fewest tokens first</option>
            <option value="title">Title</option>
          </select>
        </label>
      </div>
      <SeriesPicker tokenizers={tokenizers} shown={shown} onChange={setShown} />
      <EChart option={option} label="Tokens per book" tall />
    </div>
  );
}

/** Least-squares line y = a + b·x. */
export function linearFit(xs: number[], ys: number[]): { a: number; b: number } {
  const n = xs.length;
  if (n === 0) return { a: 0, b: 0 };
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mx, b };
}

/**
 * The dashed trend of a fit from x = 0 to `maxX`, clipped to y ≥ 0 (the
 * axes start at 0, and a point below an axis would be filtered out by the
 * zoom, leaving a one-point line that ECharts does not draw).
 */
export function trendSegment(fit: { a: number; b: number }, maxX: number): [number, number][] {
  let x0 = 0;
  if (fit.a < 0 && fit.b > 0) x0 = Math.min(maxX, -fit.a / fit.b);
  const y = (x: number) => Math.max(0, fit.a + fit.b * x);
  return [
    [x0, y(x0)],
    [maxX, y(maxX)],
  ];
}

/** The scatter's option: one point series and one dashed trend per shown tokenizer. */
export function scatterOption(ok: FlatBook[], shown: readonly string[], tokenizers: readonly string[]) {
  const maxW = Math.max(1, ...ok.map((b) => b.words));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; data: [number, number, number]; marker: string }) => {
        if (!Array.isArray(p.data) || p.data.length < 3) return '';
        const b = ok[p.data[2]];
        return `<b>${esc(bookLabel(b))}</b><br/>${esc(b.authors || '')}<br/>${fmtInt(b.words)} words<br/>${p.marker}${esc(p.seriesName)}: <b>${fmtInt(p.data[1])}</b> tokens (${(p.data[1] / b.words).toFixed(3)} per word)`;
      },
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 24, top: 44, bottom: 56, containLabel: true },
    xAxis: {
      type: 'value',
      name: 'words',
      min: 0,
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { formatter: (v: number) => fmtCompact(v) },
    },
    yAxis: { type: 'value', name: 'tokens', min: 0, axisLabel: { formatter: (v: number) => fmtCompact(v) } },
    // filterMode 'none': zooming must not drop a trend's end point outside the window.
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', xAxisIndex: 0, bottom: 8, height: 18, filterMode: 'none' },
    ],
    series: shown.flatMap((t) => {
      const color = seriesColor(tokenizers.indexOf(t));
      const fit = linearFit(
        ok.map((b) => b.words),
        ok.map((b) => b.tokens[t] ?? 0),
      );
      return [
        {
          type: 'scatter',
          name: t,
          symbolSize: ok.length > 500 ? 4 : 8,
          large: ok.length > 2000,
          data: ok.map((b, j) => [b.words, b.tokens[t] ?? 0, j]),
          color,
        },
        {
          type: 'line',
          name: t,
          showSymbol: false,
          silent: true,
          tooltip: { show: false },
          color,
          lineStyle: { type: 'dashed', width: 2 },
          z: 3,
          data: trendSegment(fit, maxW),
        },
      ];
    }),
  };
}

/** Words vs tokens, one scatter series per tokenizer with its trend line, zoomable. */
export function WordsVsTokens({ books, tokenizers }: { books: FlatBook[]; tokenizers: string[] }) {
  const ok = useMemo(() => books.filter((b) => b.status === 'ok' && b.words > 0), [books]);
  const [shown, setShown] = useSeries(tokenizers);
  const ratios = tokenizers.map((t) => {
    const tok = ok.reduce((s, b) => s + (b.tokens[t] ?? 0), 0);
    const w = ok.reduce((s, b) => s + b.words, 0);
    return { t, ratio: w ? tok / w : 0 };
  });
  const option = useMemo(() => scatterOption(ok, shown, tokenizers), [ok, shown, tokenizers]);
  return (
    <div>
      <p className="small muted" style={{ marginTop: 0 }}>
        Tokens per word (whole library): {ratios.map((r) => `${r.t} ${r.ratio.toFixed(3)}`).join(' · ')}. Dashed lines are least-squares
        trends. Scroll or pinch to zoom, drag to pan.
      </p>
      <SeriesPicker tokenizers={tokenizers} shown={shown} onChange={setShown} />
      <EChart option={option} label="Words versus tokens" />
    </div>
  );
}

/**
 * The heatmap of each book's % difference against `baseline`: every column
 * labelled (rotated when there are many), the first 400 books.
 */
export function heatmapOption(ok: FlatBook[], tokenizers: readonly string[], baseline: string) {
  const rows = ok.slice(0, 400);
  const data: [number, number, number][] = [];
  let maxAbs = 1;
  rows.forEach((b, y) =>
    tokenizers.forEach((t, x) => {
      const pct = (100 * ((b.tokens[t] ?? 0) - b.tokens[baseline])) / b.tokens[baseline];
      maxAbs = Math.max(maxAbs, Math.abs(pct));
      data.push([x, y, Math.round(pct * 10) / 10]);
    }),
  );
  const rotate = tokenizers.length > 5 ? 40 : 0;
  return {
    tooltip: {
      formatter: (p: { data: [number, number, number] }) => {
        const b = rows[p.data[1]];
        const t = tokenizers[p.data[0]];
        return `<b>${esc(bookLabel(b))}</b><br/>${esc(t)}: ${fmtInt(b.tokens[t])} tokens<br/>${esc(baseline)}: ${fmtInt(b.tokens[baseline])}<br/><b>${p.data[2] > 0 ? '+' : ''}${p.data[2]}%</b>`;
      },
    },
    grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
    // interval 0: ECharts otherwise skips labels it thinks would collide.
    xAxis: { type: 'category', data: [...tokenizers], splitArea: { show: true }, axisLabel: { interval: 0, rotate, hideOverlap: false } },
    yAxis: { type: 'category', data: rows.map(bookLabel), axisLabel: { width: 160, overflow: 'truncate', interval: 0 } },
    visualMap: {
      min: -Math.ceil(maxAbs),
      max: Math.ceil(maxAbs),
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#2563eb', '#f8fafc', '#dc2626'] },
      text: ['more tokens', 'fewer'],
    },
    dataZoom:
      rows.length > 30
        ? [
            { type: 'slider', yAxisIndex: 0, right: 0, width: 14, startValue: 0, endValue: 29 },
            { type: 'inside', yAxisIndex: 0 },
          ]
        : [],
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: rows.length <= 30 && tokenizers.length <= 6,
          formatter: (p: { data: [number, number, number] }) => `${p.data[2] > 0 ? '+' : ''}${p.data[2]}%`,
          fontSize: 10,
        },
      },
    ],
  };
}

/** Side-by-side totals per tokenizer, and a per-book heatmap of % difference against a baseline. */
export function TokenizerComparison({ books, tokenizers }: { books: FlatBook[]; tokenizers: string[] }) {
  const [baseline, setBaseline] = useState(tokenizers[0]);
  const ok = useMemo(() => books.filter((b) => b.status === 'ok' && (b.tokens[baseline] ?? 0) > 0), [books, baseline]);
  const totals = useMemo(() => tokenizers.map((t) => ok.reduce((s, b) => s + (b.tokens[t] ?? 0), 0)), [ok, tokenizers]);
  const bars = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${fmtInt(v)} tokens` },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: tokenizers, axisLabel: { interval: 0, rotate: tokenizers.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtCompact(v) } },
      series: [
        {
          type: 'bar',
          data: totals.map((v, i) => ({ value: v, itemStyle: { color: seriesColor(i) } })),
          label: { show: true, position: 'top', formatter: (p: { value: number }) => fmtCompact(p.value) },
        },
      ],
    }),
    [tokenizers, totals],
  );
  const heat = useMemo(() => heatmapOption(ok, tokenizers, baseline), [ok, tokenizers, baseline]);
  if (tokenizers.length < 2) return <p className="muted">Count with two or more tokenizers to compare them.</p>;
  return (
    <div className="stack">
      <EChart option={bars} label="Total tokens per tokenizer" />
      <div className="toolbar">
        <label>
          Baseline tokenizer
          <select value={baseline} onChange={(e) => setBaseline(e.target.value)}>
            {tokenizers.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {ok.length > 400 && <span className="small muted">Heatmap shows the first 400 books.</span>}
      </div>
      <EChart option={heat} label={`Difference in tokens per book against ${baseline}, in percent`} tall={ok.length > 12} />
    </div>
  );
}

/** A book's chapters as bars (tokens of the first tokenizer, words as a second series). */
export function ChapterChart({ chapters, tokenizer }: { chapters: Chapter[]; tokenizer: string }) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: chapters.map((c, i) => c.title || `#${c.index ?? i + 1}`),
        axisLabel: { width: 90, overflow: 'truncate', rotate: chapters.length > 8 ? 35 : 0 },
      },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtCompact(v) } },
      series: [
        { type: 'bar', name: `${tokenizer} tokens`, data: chapters.map((c) => (c.token_counts?.[tokenizer] as number | undefined) ?? 0) },
        { type: 'bar', name: 'words', data: chapters.map((c) => c.word_count ?? 0) },
      ],
    }),
    [chapters, tokenizer],
  );
  return <EChart option={option} label="Tokens and words per chapter" />;
}
