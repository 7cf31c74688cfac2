// The user's edits to the price table and cost assumptions, saved in local
// storage and shared by every view that prices or fits books.
import { useMemo, useSyncExternalStore } from 'react';
import {
  applyOverrides,
  DEFAULT_ASSUMPTIONS,
  priceTable,
  type CostAssumptions,
  type ModelOverride,
  type PriceOverrides,
  type PriceTable,
} from './prices';
import { loadJson, removeKey, saveJson } from './storage';

const OVERRIDES_KEY = 'epubtok.prices.overrides';
const ASSUMPTIONS_KEY = 'epubtok.prices.assumptions';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function cleanOverrides(v: unknown): PriceOverrides {
  const out: PriceOverrides = {};
  if (!isObject(v)) return out;
  for (const [id, o] of Object.entries(v)) {
    if (!isObject(o)) continue;
    const m: ModelOverride = {};
    for (const k of ['input_per_mtok', 'output_per_mtok', 'context_window'] as const) {
      const x = o[k];
      if (typeof x === 'number' && Number.isFinite(x) && x >= 0) m[k] = x;
    }
    if (Object.keys(m).length) out[id] = m;
  }
  return out;
}

function cleanAssumptions(v: unknown): CostAssumptions {
  const a = { ...DEFAULT_ASSUMPTIONS };
  if (!isObject(v)) return a;
  if (typeof v.outputTokens === 'number' && v.outputTokens >= 0) a.outputTokens = Math.floor(v.outputTokens);
  if (typeof v.batch === 'boolean') a.batch = v.batch;
  if (typeof v.cachedShare === 'number' && v.cachedShare >= 0 && v.cachedShare <= 1) a.cachedShare = v.cachedShare;
  return a;
}

let state = { overrides: cleanOverrides(loadJson(OVERRIDES_KEY, {})), assumptions: cleanAssumptions(loadJson(ASSUMPTIONS_KEY, {})) };
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Sets one field of one model; undefined restores the table's value. */
export function setModelOverride(id: string, field: keyof ModelOverride, value: number | undefined): void {
  const next: PriceOverrides = { ...state.overrides, [id]: { ...(state.overrides[id] ?? {}) } };
  if (value === undefined) delete next[id][field];
  else next[id][field] = value;
  if (Object.keys(next[id]).length === 0) delete next[id];
  state = { ...state, overrides: next };
  saveJson(OVERRIDES_KEY, next);
  emit();
}

export function setAssumptions(a: Partial<CostAssumptions>): void {
  state = { ...state, assumptions: cleanAssumptions({ ...state.assumptions, ...a }) };
  saveJson(ASSUMPTIONS_KEY, state.assumptions);
  emit();
}

/** Back to the dated table and the default assumptions. */
export function resetPrices(): void {
  state = { overrides: {}, assumptions: { ...DEFAULT_ASSUMPTIONS } };
  removeKey(OVERRIDES_KEY);
  removeKey(ASSUMPTIONS_KEY);
  emit();
}

/** Re-reads local storage (tests, or another tab's change). */
export function reloadPrices(): void {
  state = { overrides: cleanOverrides(loadJson(OVERRIDES_KEY, {})), assumptions: cleanAssumptions(loadJson(ASSUMPTIONS_KEY, {})) };
  emit();
}

export function usePrices(): { table: PriceTable; overrides: PriceOverrides; assumptions: CostAssumptions } {
  const s = useSyncExternalStore(subscribe, () => state);
  const table = useMemo(() => applyOverrides(priceTable, s.overrides), [s.overrides]);
  return { table, overrides: s.overrides, assumptions: s.assumptions };
}
