// Whether each book fits in one request of the chosen models' context
// windows (from the dated price table), or how many requests it needs.
import type { FlatBook } from './books';
import { fmtWindow, requestsNeeded, type ModelPrice, type PriceTable } from './prices';

export interface FitModel {
  model: ModelPrice;
  provider: string;
  window: number;
}

/** Models with a context window whose tokenizer these results counted. */
export function fitCandidates(table: PriceTable, tokenizers: readonly string[]): FitModel[] {
  const counted = new Set(tokenizers);
  return table.providers.flatMap((p) =>
    p.models
      .filter((m) => m.context_window && counted.has(m.tokenizer))
      .map((m) => ({ model: m, provider: p.name, window: m.context_window! })),
  );
}

/** Well-known windows offered first; the default keeps up to three of distinct sizes. */
const PREFERRED = [
  'gpt-4o',
  'claude-haiku-4-5',
  'o3',
  'gemini-2.5-pro',
  'gpt-4.1',
  'claude-sonnet-4-5',
  'deepseek-chat',
  'together-llama-3.3-70b',
];

export function defaultFitModels(candidates: readonly FitModel[]): string[] {
  const ordered = [...PREFERRED.map((id) => candidates.find((c) => c.model.id === id)).filter((c): c is FitModel => !!c), ...candidates];
  const sizes = new Set<number>();
  const out: string[] = [];
  for (const c of ordered) {
    if (sizes.has(c.window) || out.length === 3) continue;
    sizes.add(c.window);
    out.push(c.model.id);
  }
  return out.sort((a, b) => ordered.find((c) => c.model.id === a)!.window - ordered.find((c) => c.model.id === b)!.window);
}

export interface Fit {
  model: FitModel;
  /** Requests the book needs; null when the book has no count for the model's tokenizer. */
  requests: number | null;
}

export function bookFits(book: FlatBook, models: readonly FitModel[]): Fit[] {
  return models.map((m) => {
    const t = book.tokens[m.model.tokenizer];
    return { model: m, requests: book.status === 'ok' && t !== undefined ? requestsNeeded(m.model, t) : null };
  });
}

/** "Fits 128K", "Needs 3 requests at 128K": one fit in words. */
export function fitLabel(f: Fit): string {
  const w = fmtWindow(f.model.window);
  if (f.requests === null) return `${w}: –`;
  return f.requests === 1 ? `Fits ${w}` : `Needs ${f.requests} requests at ${w}`;
}

/** The column's sort key: the most requests any chosen window needs (failed books last). */
export const fitSortKey = (fits: readonly Fit[]) =>
  fits.some((f) => f.requests === null) ? Infinity : Math.max(0, ...fits.map((f) => f.requests!));

/** Filter values: '' all, 'all' fits every chosen window, 'split' needs several requests somewhere, or a model id (fits that one). */
export function fitFilter(value: string, fits: readonly Fit[]): boolean {
  if (!value) return true;
  if (value === 'all') return fits.every((f) => f.requests === 1);
  if (value === 'split') return fits.some((f) => f.requests !== null && f.requests > 1);
  const f = fits.find((x) => x.model.model.id === value);
  return !f || f.requests === 1;
}
