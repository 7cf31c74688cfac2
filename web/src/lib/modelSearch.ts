// Tokenizer search by what users type: tokenizer ids and names, the model
// names the server lists as aliases ("gpt-4o"), the priced models that use
// a tokenizer ("sonnet" → Claude Sonnet 4.5 → claude), and family names.
import type { Model } from '../api/types';
import type { PriceTable } from './prices';

export interface ModelMatch {
  /** What matched when it is not the tokenizer itself: shown as "gpt-4o → o200k_base". */
  via: string | null;
  /** Lower is better: 0 exact, 1 prefix, 2 substring; +3 for a family-only match. */
  rank: number;
}

const score = (text: string, q: string): number | null => {
  const t = text.toLowerCase();
  if (t === q) return 0;
  if (t.startsWith(q)) return 1;
  return t.includes(q) ? 2 : null;
};

/**
 * The models matching `query`, each with its best match. An empty query
 * matches everything. When some model matches by name, alias or priced
 * model, family-only matches are left out, so "gpt-4o" is o200k_base alone
 * and not every OpenAI encoding.
 */
export function searchModels(
  models: readonly Model[],
  query: string,
  prices: PriceTable,
  familyName: (f: string) => string,
): Map<string, ModelMatch> {
  const q = query.trim().toLowerCase();
  const out = new Map<string, ModelMatch>();
  if (!q) {
    for (const m of models) out.set(m.id, { via: null, rank: 0 });
    return out;
  }
  const priced = prices.providers.flatMap((p) => p.models);
  for (const m of models) {
    let best: ModelMatch | null = null;
    const consider = (text: string, via: string | null, extra = 0) => {
      const s = score(text, q);
      if (s === null) return;
      if (!best || s + extra < best.rank) best = { via, rank: s + extra };
    };
    consider(m.id, null);
    consider(m.name, null);
    for (const a of m.aliases ?? []) consider(a, a);
    for (const pm of priced) {
      if (pm.tokenizer !== m.id) continue;
      consider(pm.id, pm.name);
      consider(pm.name, pm.name);
    }
    consider(m.family, null, 3);
    consider(familyName(m.family), null, 3);
    if (best) out.set(m.id, best);
  }
  const direct = [...out.values()].some((x) => x.rank < 3);
  if (direct) for (const [id, x] of [...out]) if (x.rank >= 3) out.delete(id);
  return out;
}
