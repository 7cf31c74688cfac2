// Series colours and the series picker shared by the charts.
import { useState } from 'react';

/**
 * Sixteen colours picked greedily for the largest smallest CIELAB distance
 * (ΔE76 ≥ 31 between any two), each of a lightness (L* 38–78) that reads on
 * both the light and the dark background. Past sixteen, hues step by the
 * golden angle so that later series still differ from their neighbours.
 */
export const PALETTE = [
  '#2563eb',
  '#84cc16',
  '#ef4444',
  '#008080',
  '#f59e0b',
  '#b07aa1',
  '#a21caf',
  '#808000',
  '#0ea5e9',
  '#ec4899',
  '#15803d',
  '#9c755f',
  '#2dd4bf',
  '#b45309',
  '#7c3aed',
  '#22c55e',
];

/** The colour of series `i`; the same tokenizer keeps its colour in every chart. */
export function seriesColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = Math.round((i * 137.508) % 360);
  return `hsl(${hue} ${i % 2 ? 70 : 55}% ${i % 3 ? 48 : 40}%)`;
}

/** More series than this make one chart unreadable: a picker chooses which to draw. */
export const MAX_DEFAULT_SERIES = 4;

/** Which tokenizers a chart draws: all when few, else the first four until the user picks. */
export function useSeries(tokenizers: readonly string[]): [string[], (ids: string[]) => void] {
  const [picked, setPicked] = useState<string[] | null>(null);
  const shown = picked ? tokenizers.filter((t) => picked.includes(t)) : tokenizers.slice(0, MAX_DEFAULT_SERIES);
  return [shown, setPicked];
}

/** Checkboxes "Series shown", one per tokenizer, in its chart colour; rendered only past the default count. */
export function SeriesPicker({
  tokenizers,
  shown,
  onChange,
}: {
  tokenizers: readonly string[];
  shown: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  if (tokenizers.length <= MAX_DEFAULT_SERIES) return null;
  return (
    <fieldset className="series-picker">
      <legend className="small muted">
        Series shown ({shown.length} of {tokenizers.length})
      </legend>
      {tokenizers.map((t, i) => (
        <label key={t} className="series-choice">
          <input
            type="checkbox"
            checked={shown.includes(t)}
            onChange={(e) => onChange(e.target.checked ? [...shown, t] : shown.filter((x) => x !== t))}
          />
          <span className="swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
          {t}
        </label>
      ))}
    </fieldset>
  );
}
