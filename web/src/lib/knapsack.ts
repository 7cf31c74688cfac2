// Budget selection: which books fit into a token budget.
//
// Three strategies:
//  - most books:  smallest books first. This is exactly optimal for the
//    number of books (an exchange argument: swapping any chosen book for a
//    smaller unchosen one never lowers the count).
//  - most words:  greedy by words per token. Fast and usually good, not exact.
//  - optimal:     an exact 0/1 knapsack maximising words under the budget.
//
// Why not the textbook DP over capacity: budgets are up to millions of tokens
// and books weigh tens of thousands of tokens each, so a table of
// (items × capacity) cells (2,000 × 1,000,000) is far too big. Instead this is
// a dynamic programme over Pareto-optimal (tokens, words) states (Nemhauser–
// Ullmann), processed in order of decreasing words-per-token, with two exact
// pruning rules:
//   1. dominance: a state that uses at least as many tokens for no more words
//      than another can never lead to a better solution, so it is dropped;
//   2. bounding: a state whose Dantzig bound (its words plus the LP relaxation
//      of the items still to come in the remaining budget) cannot beat the best
//      feasible selection found so far is dropped.
// Both rules only discard states that cannot lead to a strictly better
// solution, so the result is optimal. A state cap guards against pathological
// inputs: if it is hit, the best selection found so far is returned with
// `optimal: false` and the proven upper bound, never silently.

export interface KnapsackItem {
  /** Tokens the book costs; a non-negative integer. */
  weight: number;
  /** Words the book brings; a non-negative integer. */
  value: number;
}

export interface Selection {
  /** Indices into the input array, ascending. */
  indices: number[];
  weight: number;
  value: number;
  /** True when the selection is proven optimal for its strategy's objective. */
  optimal: boolean;
  /** An upper bound on the objective (equals `value` when optimal). */
  upperBound: number;
}

export type Strategy = 'most-books' | 'most-words' | 'optimal';

export interface KnapsackOptions {
  /** Largest Pareto list kept at any step before giving up on a proof. Default 2,000,000. */
  maxStates?: number;
}

function assertItems(items: readonly KnapsackItem[], capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
  items.forEach((it, i) => {
    if (!Number.isSafeInteger(it.weight) || it.weight < 0 || !Number.isSafeInteger(it.value) || it.value < 0) {
      throw new RangeError(`item ${i} must have non-negative integer weight and value`);
    }
  });
}

function finish(items: readonly KnapsackItem[], chosen: number[], optimal: boolean, upperBound: number): Selection {
  const indices = [...chosen].sort((a, b) => a - b);
  let weight = 0;
  let value = 0;
  for (const i of indices) {
    weight += items[i].weight;
    value += items[i].value;
  }
  return { indices, weight, value, optimal, upperBound: optimal ? value : Math.max(value, upperBound) };
}

/**
 * Most books: smallest weight first; optimal for the count of books, which is
 * what `value` and `upperBound` report for this strategy.
 */
export function selectMostBooks(items: readonly KnapsackItem[], capacity: number): Selection {
  assertItems(items, capacity);
  const order = items.map((_, i) => i).sort((a, b) => items[a].weight - items[b].weight || a - b);
  const chosen: number[] = [];
  let used = 0;
  for (const i of order) {
    if (used + items[i].weight > capacity) break;
    used += items[i].weight;
    chosen.push(i);
  }
  const sel = finish(items, chosen, true, 0);
  return { ...sel, value: chosen.length, upperBound: chosen.length };
}

/** Order by value per weight, descending; zero-weight items first. */
function byEfficiency(items: readonly KnapsackItem[], idx: number[]): number[] {
  return idx.sort((a, b) => {
    const A = items[a],
      B = items[b];
    // Compare va/wa with vb/wb without dividing (exact for safe integers up to ~2^53 / 2^26 each).
    const lhs = A.value * B.weight,
      rhs = B.value * A.weight;
    if (lhs !== rhs) return rhs - lhs;
    return A.weight - B.weight || a - b;
  });
}

/** Most words, greedy: by words per token, taking every book that still fits. */
export function selectGreedyWords(items: readonly KnapsackItem[], capacity: number): Selection {
  assertItems(items, capacity);
  const order = byEfficiency(
    items,
    items.map((_, i) => i),
  );
  const chosen: number[] = [];
  let used = 0;
  for (const i of order) {
    if (used + items[i].weight <= capacity) {
      used += items[i].weight;
      chosen.push(i);
    }
  }
  return finish(items, chosen, false, Number.POSITIVE_INFINITY);
}

interface Chain {
  item: number;
  prev: Chain | null;
}

function chainToArray(c: Chain | null): number[] {
  const out: number[] = [];
  for (let n = c; n; n = n.prev) out.push(n.item);
  return out;
}

/** Exact 0/1 knapsack maximising total value with total weight <= capacity. */
export function solveKnapsack(items: readonly KnapsackItem[], capacity: number, options: KnapsackOptions = {}): Selection {
  assertItems(items, capacity);
  const maxStates = options.maxStates ?? 2_000_000;

  // Zero-weight items with value are always worth taking; items that cannot
  // fit alone never are; zero-value items never help.
  const free: number[] = [];
  const cand: number[] = [];
  items.forEach((it, i) => {
    if (it.weight > capacity || it.value === 0) return;
    if (it.weight === 0) free.push(i);
    else cand.push(i);
  });
  const order = byEfficiency(items, cand);
  const n = order.length;
  const w = order.map((i) => items[i].weight);
  const v = order.map((i) => items[i].value);
  const W = new Float64Array(n + 1);
  const V = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    W[k + 1] = W[k] + w[k];
    V[k + 1] = V[k] + v[k];
  }

  // Dantzig bound: best value obtainable from items k.. with residual capacity r
  // when items may be taken fractionally. Integer values, so floor it.
  const bound = (k: number, r: number): number => {
    // Largest j in [k, n] with W[j] - W[k] <= r.
    let lo = k,
      hi = n;
    const limit = W[k] + r;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (W[mid] <= limit) lo = mid;
      else hi = mid - 1;
    }
    let b = V[lo] - V[k];
    if (lo < n) b += ((limit - W[lo]) * v[lo]) / w[lo];
    // Rounding can only loosen the bound, never cut off a better solution.
    return Math.floor(b * (1 + 1e-12) + 1e-6);
  };

  // Incumbent: the greedy fill, or the single most valuable item if better.
  let bestValue = 0;
  let bestChain: Chain | null;
  {
    let used = 0,
      val = 0;
    let chain: Chain | null = null;
    for (let k = 0; k < n; k++) {
      if (used + w[k] <= capacity) {
        used += w[k];
        val += v[k];
        chain = { item: k, prev: chain };
      }
    }
    bestValue = val;
    bestChain = chain;
    for (let k = 0; k < n; k++) {
      if (v[k] > bestValue) {
        bestValue = v[k];
        bestChain = { item: k, prev: null };
      }
    }
  }
  const rootBound = bound(0, capacity);

  // Pareto list: weights ascending, values strictly ascending.
  let sw: number[] = [0];
  let sv: number[] = [0];
  let sc: (Chain | null)[] = [null];
  let proven = true;

  for (let k = 0; k < n && sw.length > 0; k++) {
    const m = sw.length;
    const nw: number[] = [];
    const nv: number[] = [];
    const nc: (Chain | null)[] = [];
    let a = 0; // index into "skip item k" list
    let b = 0; // index into "take item k" list
    const wk = w[k],
      vk = v[k];
    let lastValue = -1;
    const push = (wt: number, val: number, ch: Chain | null) => {
      if (val <= lastValue) return; // dominated by a lighter state
      lastValue = val;
      if (val > bestValue) {
        bestValue = val;
        bestChain = ch;
      }
      // Keep only states that could still beat the incumbent.
      if (val + bound(k + 1, capacity - wt) > bestValue) {
        nw.push(wt);
        nv.push(val);
        nc.push(ch);
      }
    };
    while (true) {
      // The "take" list is the skip list shifted by item k; it is sorted too,
      // and once one shifted state exceeds the capacity all later ones do.
      if (b < m && sw[b] + wk > capacity) b = m;
      if (a >= m && b >= m) break;
      const aw = a < m ? sw[a] : Number.POSITIVE_INFINITY;
      const bw = b < m ? sw[b] + wk : Number.POSITIVE_INFINITY;
      // On equal weights emit the larger value first so the other is dropped.
      if (aw < bw || (aw === bw && sv[a] >= sv[b] + vk)) {
        push(aw, sv[a], sc[a]);
        a++;
      } else {
        push(bw, sv[b] + vk, { item: k, prev: sc[b] });
        b++;
      }
    }
    sw = nw;
    sv = nv;
    sc = nc;
    if (sw.length > maxStates) {
      proven = false;
      break;
    }
  }

  const chosen = [...free, ...chainToArray(bestChain).map((k) => order[k])];
  const freeValue = free.reduce((s, i) => s + items[i].value, 0);
  return finish(items, chosen, proven, rootBound + freeValue);
}

/** Runs a strategy by name. */
export function selectBooks(strategy: Strategy, items: readonly KnapsackItem[], capacity: number, options?: KnapsackOptions): Selection {
  switch (strategy) {
    case 'most-books':
      return selectMostBooks(items, capacity);
    case 'most-words':
      return selectGreedyWords(items, capacity);
    case 'optimal':
      return solveKnapsack(items, capacity, options);
  }
}
