// Runs budget selections off the main thread, so the page stays responsive
// even when the exact knapsack takes a while on a big library.
import { selectBooks, type KnapsackItem, type Selection, type Strategy } from './knapsack';

export interface BudgetRequest {
  seq: number;
  strategy: Strategy;
  items: KnapsackItem[];
  capacity: number;
}
export type BudgetResponse = { seq: number; selection: Selection; ms: number } | { seq: number; error: string };

self.onmessage = (e: MessageEvent<BudgetRequest>) => {
  const { seq, strategy, items, capacity } = e.data;
  const t0 = performance.now();
  try {
    const selection = selectBooks(strategy, items, capacity);
    (self as unknown as Worker).postMessage({ seq, selection, ms: performance.now() - t0 } satisfies BudgetResponse);
  } catch (err) {
    (self as unknown as Worker).postMessage({ seq, error: String(err) } satisfies BudgetResponse);
  }
};
