// Input-token cost estimates from the dated price table in data/prices.json.
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
  input_per_mtok: number;
  tiers?: PriceTier[];
}

export interface Provider {
  id: string;
  name: string;
  pricing_url: string;
  tokenizer_note?: string;
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
