import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  bookCost,
  formatCost,
  perBookCost,
  priceTable,
  pricedTokenizer,
  ratePerMTok,
  requestCost,
  requestsNeeded,
  type ModelPrice,
} from './prices';

const flat: ModelPrice = { id: 'm', name: 'M', tokenizer: 'o200k_base', input_per_mtok: 2.5 };
const tiered: ModelPrice = {
  id: 't',
  name: 'T',
  tokenizer: 'gemma-3',
  input_per_mtok: 1.25,
  tiers: [{ above_tokens: 200_000, input_per_mtok: 2.5 }],
};

describe('which counts price a model', () => {
  const sonnet: ModelPrice = {
    id: 'claude-sonnet-4-5',
    name: 'Claude Sonnet 4.5',
    tokenizer: 'claude',
    api_tokenizer: 'claude-api:claude-sonnet-4-5',
    input_per_mtok: 3,
  };
  it("prefers Anthropic's own counts and otherwise flags the legacy count as a rough guide", () => {
    expect(pricedTokenizer(sonnet, new Set(['claude', 'claude-api:claude-sonnet-4-5']))).toEqual({
      id: 'claude-api:claude-sonnet-4-5',
      viaApi: true,
      roughGuide: false,
    });
    expect(pricedTokenizer(sonnet, new Set(['claude']))).toEqual({ id: 'claude', viaApi: false, roughGuide: true });
    expect(pricedTokenizer(sonnet, new Set(['o200k_base'])).roughGuide).toBe(false); // not counted at all
    expect(pricedTokenizer(flat, new Set(['o200k_base']))).toEqual({ id: 'o200k_base', viaApi: false, roughGuide: false });
  });
  it('gives every Claude model of the table an API tokenizer', () => {
    const claude = priceTable.providers.find((p) => p.id === 'anthropic')!.models;
    expect(claude.length).toBeGreaterThan(0);
    for (const m of claude) expect(m.api_tokenizer).toBe(`claude-api:${m.id === 'claude-3-5-haiku' ? 'claude-3-5-haiku-latest' : m.id}`);
  });
});

describe('price maths', () => {
  it('charges per million tokens', () => {
    // 1,000,000 tokens at $2.50/M is $2.50; 400,000 is $1.00.
    expect(requestCost(flat, 1_000_000)).toBeCloseTo(2.5, 10);
    expect(requestCost(flat, 400_000)).toBeCloseTo(1.0, 10);
    expect(requestCost(flat, 0)).toBe(0);
  });

  it('applies a long-context tier to the whole request above its threshold', () => {
    expect(ratePerMTok(tiered, 200_000)).toBe(1.25); // at the threshold: base price
    expect(ratePerMTok(tiered, 200_001)).toBe(2.5);
    expect(requestCost(tiered, 200_000)).toBeCloseTo(0.25, 10);
    expect(requestCost(tiered, 400_000)).toBeCloseTo(1.0, 10); // 0.4M × $2.50
  });

  it('sums one request per book', () => {
    // 100K at $1.25/M = 0.125; 300K at the $2.50 tier = 0.75.
    expect(perBookCost(tiered, [100_000, 300_000])).toBeCloseTo(0.875, 10);
    expect(perBookCost(tiered, [])).toBe(0);
  });

  it('rejects negative token counts', () => {
    expect(() => requestCost(flat, -1)).toThrow(RangeError);
  });

  it('formats costs', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.00123)).toBe('$0.0012');
    expect(formatCost(0.5)).toBe('$0.500');
    expect(formatCost(1234.5)).toBe('$1,234.50');
  });
});

describe('price table', () => {
  it('is dated, explained and well-formed', () => {
    expect(priceTable.written).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceTable.note).toMatch(/estimate/i);
    const ids = new Set<string>();
    for (const p of priceTable.providers) {
      expect(p.pricing_url).toMatch(/^https:\/\//);
      for (const m of p.models) {
        expect(ids.has(m.id)).toBe(false);
        ids.add(m.id);
        expect(m.input_per_mtok).toBeGreaterThan(0);
        expect(m.tokenizer).toMatch(/^[a-z0-9_.:/-]+$/);
      }
    }
    for (const name of ['OpenAI', 'Anthropic', 'Google']) {
      expect(priceTable.providers.some((p) => p.name === name)).toBe(true);
    }
  });
});

describe('context windows and assumptions', () => {
  const provider = { id: 'p', name: 'P', pricing_url: 'https://x', batch_discount: 0.5, cached_input_discount: 0.9, models: [] };
  const gpt: ModelPrice = {
    id: 'g',
    name: 'G',
    tokenizer: 'o200k_base',
    input_per_mtok: 2.5,
    output_per_mtok: 10,
    context_window: 128_000,
  };

  it('never prices a book larger than the window as one request', () => {
    expect(requestsNeeded(gpt, 128_000)).toBe(1);
    expect(requestsNeeded(gpt, 128_001)).toBe(2);
    expect(requestsNeeded(gpt, 300_000)).toBe(3);
    // 300K tokens in 3 requests of 100K at $2.50/M = $0.75, as three requests.
    expect(bookCost(provider, gpt, 300_000)).toEqual({ requests: 3, cost: expect.closeTo(0.75, 10) });
  });

  it('keeps room for the answer, bills it, and applies the cache and batch discounts', () => {
    const a = { outputTokens: 28_000, batch: false, cachedShare: 0 };
    expect(requestsNeeded(gpt, 100_000, a.outputTokens)).toBe(1);
    expect(requestsNeeded(gpt, 100_001, a.outputTokens)).toBe(2);
    // 1 request: 100K in at $2.50/M + 28K out at $10/M = 0.25 + 0.28.
    expect(bookCost(provider, gpt, 100_000, a).cost).toBeCloseTo(0.53, 10);
    expect(bookCost(provider, gpt, 100_000, { ...a, batch: true }).cost).toBeCloseTo(0.265, 10);
    // Half the input cached at 90% off: 0.25 × (1 − 0.45) + 0.28.
    expect(bookCost(provider, gpt, 100_000, { ...a, cachedShare: 0.5 }).cost).toBeCloseTo(0.1375 + 0.28, 10);
    expect(requestsNeeded(gpt, 10, 200_000)).toBe(Infinity);
  });

  it('gives every priced model a context window and an output price', () => {
    for (const p of priceTable.providers)
      for (const m of p.models) {
        expect(m.context_window).toBeGreaterThan(1000);
        expect(m.output_per_mtok).toBeGreaterThan(0);
      }
  });

  it('lays the user edits over the table without changing it', () => {
    const t = applyOverrides(priceTable, { 'gpt-4o': { input_per_mtok: 9, context_window: 1000 } });
    const m = t.providers.flatMap((p) => p.models).find((x) => x.id === 'gpt-4o')!;
    expect([m.input_per_mtok, m.context_window, m.output_per_mtok]).toEqual([9, 1000, 10]);
    expect(priceTable.providers.flatMap((p) => p.models).find((x) => x.id === 'gpt-4o')!.input_per_mtok).toBe(2.5);
  });
});
