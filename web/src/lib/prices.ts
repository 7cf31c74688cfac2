// Cost estimates and context-window fit from the dated price table in
// data/prices.json, with the user's own edits laid over it.
import table from '../data/prices.json';

export interface PriceTier {
  /** The tier applies to a whole request whose prompt is longer than this. */
  above_tokens: number;
  input_per_mtok: number;
}

export interface ModelPrice {
  id: string;
  name: string;
  tokenizer: string;
  /**
   * The tokenizer that gives the vendor's own count through its API
   * (claude-api:MODEL). When the books were counted with it, the model is
   * priced from it instead of `tokenizer`.
   */
  api_tokenizer?: string;
  input_per_mtok: number;
  /** Price per million output tokens. */
  output_per_mtok?: number;
  /** The most tokens one request may hold, prompt and answer together. */
  context_window?: number;
  tiers?: PriceTier[];
}

export interface Provider {
  id: string;
  name: string;
  pricing_url: string;
  tokenizer_note?: string;
  /** Fraction taken off every price for batch requests (0.5 = half price). */
  batch_discount?: number;
  /** Fraction taken off the input price for cached input tokens. */
  cached_input_discount?: number;
  models: ModelPrice[];
}

export interface PriceTable {
  written: string;
  currency: string;
  unit: string;
  note: string;
  providers: Provider[];
}

export const priceTable = table as PriceTable;

/** Which counted tokenizer prices `model`, and what that says about the figure. */
export interface PricedTokenizer {
  id: string;
  /** Priced from the vendor's own counts (its API). */
  viaApi: boolean;
  /** Priced from a stand-in although the vendor's own counts exist: a rough guide only. */
  roughGuide: boolean;
}

/**
 * The API tokenizer's counts when they were counted, else the table's
 * tokenizer, flagged as a rough guide when the model has an API tokenizer
 * (Claude: the legacy tokenizer does not tokenize current models). No
 * correction factor is applied: none is published.
 */
export function pricedTokenizer(model: ModelPrice, counted: ReadonlySet<string>): PricedTokenizer {
  if (model.api_tokenizer && counted.has(model.api_tokenizer)) {
    return { id: model.api_tokenizer, viaApi: true, roughGuide: false };
  }
  return { id: model.tokenizer, viaApi: false, roughGuide: Boolean(model.api_tokenizer) && counted.has(model.tokenizer) };
}

/**
 * The price per million input tokens that applies to one request of `tokens`
 * tokens: providers with long-context tiers bill the whole request at the
 * tier's price once the prompt is longer than its threshold.
 */
export function ratePerMTok(model: ModelPrice, tokens: number): number {
  let rate = model.input_per_mtok;
  let threshold = -1;
  for (const tier of model.tiers ?? []) {
    if (tokens > tier.above_tokens && tier.above_tokens > threshold) {
      threshold = tier.above_tokens;
      rate = tier.input_per_mtok;
    }
  }
  return rate;
}

/** Cost of one request whose prompt has `tokens` input tokens. */
export function requestCost(model: ModelPrice, tokens: number): number {
  if (!Number.isFinite(tokens) || tokens < 0) throw new RangeError('tokens must be a non-negative number');
  return (tokens * ratePerMTok(model, tokens)) / 1_000_000;
}

/** Cost of sending each book once as its own request. */
export function perBookCost(model: ModelPrice, bookTokens: readonly number[]): number {
  let sum = 0;
  for (const t of bookTokens) sum += requestCost(model, t);
  return sum;
}

/** Formats a cost for people: cents precision above $1, more digits below. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** What the user may change about one model; anything left out keeps the table's value. */
export interface ModelOverride {
  input_per_mtok?: number;
  output_per_mtok?: number;
  context_window?: number;
}
export type PriceOverrides = Record<string, ModelOverride>;

/** The price table with the user's overrides applied (the table itself is never changed). */
export function applyOverrides(base: PriceTable, overrides: PriceOverrides): PriceTable {
  return {
    ...base,
    providers: base.providers.map((p) => ({ ...p, models: p.models.map((m) => ({ ...m, ...(overrides[m.id] ?? {}) })) })),
  };
}

/** How each book is sent: the answer it asks for, batch pricing, and the share of cached input. */
export interface CostAssumptions {
  /** Output tokens asked for per request (they take room in the context window too). */
  outputTokens: number;
  batch: boolean;
  /** 0–1: the part of the input billed at the cached-input price. */
  cachedShare: number;
}
export const DEFAULT_ASSUMPTIONS: CostAssumptions = { outputTokens: 0, batch: false, cachedShare: 0 };

/**
 * Requests a book of `tokens` input tokens needs when each request holds at
 * most the model's context window, less the output asked for. Infinity when
 * the output alone fills the window; 1 when the model states no window.
 */
export function requestsNeeded(model: ModelPrice, tokens: number, outputTokens = 0): number {
  if (!model.context_window) return 1;
  const room = model.context_window - outputTokens;
  if (room <= 0) return Infinity;
  return Math.max(1, Math.ceil(tokens / room));
}

/**
 * Cost of one book: split into as many equal requests as its context window
 * requires, each billed at the tier its own size falls in, plus the output
 * of every request; cached input and batch discounts as the provider gives them.
 */
export function bookCost(
  provider: Provider,
  model: ModelPrice,
  tokens: number,
  a: CostAssumptions = DEFAULT_ASSUMPTIONS,
): { requests: number; cost: number } {
  const requests = requestsNeeded(model, tokens, a.outputTokens);
  if (!Number.isFinite(requests)) return { requests, cost: Infinity };
  const per = tokens / requests;
  const cachedFactor = 1 - a.cachedShare * (provider.cached_input_discount ?? 0);
  const input = requests * ((per * ratePerMTok(model, per)) / 1_000_000) * cachedFactor;
  const output = (requests * a.outputTokens * (model.output_per_mtok ?? 0)) / 1_000_000;
  const batch = a.batch ? 1 - (provider.batch_discount ?? 0) : 1;
  return { requests, cost: (input + output) * batch };
}

/** "128K", "1M", "1.05M": a window size for people. */
export function fmtWindow(tokens: number): string {
  if (tokens >= 1_000_000) {
    const m = tokens / 1_000_000;
    return `${Number.isInteger(m) ? m : m.toFixed(2).replace(/0+$/, '')}M`;
  }
  return `${Math.round(tokens / 1000)}K`;
}
