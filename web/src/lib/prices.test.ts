import { describe, expect, it } from 'vitest';
import { formatCost, perBookCost, priceTable, ratePerMTok, requestCost, type ModelPrice } from './prices';

const flat: ModelPrice = { id: 'm', name: 'M', tokenizer: 'o200k_base', input_per_mtok: 2.5 };
const tiered: ModelPrice = {
  id: 't',
  name: 'T',
  tokenizer: 'gemma-3',
  input_per_mtok: 1.25,
  tiers: [{ above_tokens: 200_000, input_per_mtok: 2.5 }],
};

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
