import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResultsDocument } from '../api/types';
import { booksToCsv, downloadText, subsetDocument, type FlatBook } from '../lib/books';
import { fmtInt } from '../lib/format';
import { formatCost } from '../lib/prices';
import { usePrices } from '../lib/priceStore';
import { useUrlParam } from '../lib/urlState';
import { libraryCost } from './CostPanel';
import type { Selection, Strategy } from '../lib/knapsack';
import type { BudgetRequest, BudgetResponse } from '../lib/knapsack.worker';

const PRESETS = [
  { label: '32K', value: 32_000 },
  { label: '128K', value: 128_000 },
  { label: '200K', value: 200_000 },
  { label: '1M', value: 1_000_000 },
];

const STRATEGIES: { id: Strategy; label: string; hint: string }[] = [
  { id: 'optimal', label: 'Optimal', hint: 'The most words that fit: an exact 0/1 knapsack.' },
  { id: 'most-books', label: 'Most books', hint: 'As many books as fit, smallest first.' },
  { id: 'most-words', label: 'Most words (greedy)', hint: 'Books with the most words per token first; fast, not always best.' },
];

/** Which books fit into a token budget, by three strategies. */
export function BudgetPanel({
  doc,
  books,
  tokenizers,
  baseName,
}: {
  doc: ResultsDocument;
  books: FlatBook[];
  tokenizers: string[];
  baseName: string;
}) {
  // The budget, tokenizer and strategy live in the address, like the other views' state.
  const [budgetParam, setBudgetParam] = useUrlParam('budget', '128000');
  const budgetFromUrl = Math.floor(Number(budgetParam));
  const budget = Number.isFinite(budgetFromUrl) && budgetFromUrl >= 0 ? budgetFromUrl : 128_000;
  const setBudget = (v: number) => setBudgetParam(String(v));
  const [budgetText, setBudgetText] = useState(String(budget));
  const [tokParam, setTok] = useUrlParam('btok', tokenizers[0]);
  const tok = tokenizers.includes(tokParam) ? tokParam : tokenizers[0];
  const [strategyParam, setStrategy] = useUrlParam('strategy', 'optimal');
  const strategy: Strategy = STRATEGIES.some((x) => x.id === strategyParam) ? (strategyParam as Strategy) : 'optimal';
  const [result, setResult] = useState<{ selection: Selection; ms: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);

  const candidates = useMemo(() => books.filter((b) => b.status === 'ok' && b.tokens[tok] !== undefined), [books, tok]);

  useEffect(() => {
    const w = new Worker(new URL('../lib/knapsack.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (e: MessageEvent<BudgetResponse>) => {
      if (e.data.seq !== seq.current) return; // a newer request superseded this one
      setBusy(false);
      if ('error' in e.data) setError(e.data.error);
      else {
        setError(null);
        setResult({ selection: e.data.selection, ms: e.data.ms });
      }
    };
    return () => w.terminate();
  }, []);

  useEffect(() => {
    if (!worker.current) return;
    const s = ++seq.current;
    setBusy(true);
    setCopied(false);
    const req: BudgetRequest = {
      seq: s,
      strategy,
      capacity: budget,
      items: candidates.map((b) => ({ weight: b.tokens[tok], value: b.words })),
    };
    worker.current.postMessage(req);
  }, [candidates, budget, strategy, tok]);

  const chosen = result ? result.selection.indices.map((i) => candidates[i]).filter(Boolean) : [];
  const used = chosen.reduce((s, b) => s + b.tokens[tok], 0);
  const words = chosen.reduce((s, b) => s + b.words, 0);
  const smallest = candidates.length ? Math.min(...candidates.map((b) => b.tokens[tok])) : 0;
  const { table: prices, assumptions } = usePrices();
  const costs = prices.providers.flatMap((p) =>
    p.models
      .filter((m) => m.tokenizer === tok)
      .map((m) => ({
        id: m.id,
        name: `${p.name} ${m.name}`,
        cost: libraryCost(
          p,
          m,
          chosen.map((b) => b.tokens[tok]),
          assumptions,
        ).cost,
      })),
  );
  const list = chosen.map((b) => `${b.title}${b.authors ? ` — ${b.authors}` : ''} (${fmtInt(b.tokens[tok])} tokens)`).join('\n');

  return (
    <div className="grid-2">
      <section className="card stack" aria-labelledby="budget-h">
        <h2 id="budget-h">Budget</h2>
        <div role="group" aria-label="Budget presets" className="row">
          {PRESETS.map((p) => (
            <button
              key={p.value}
              type="button"
              aria-pressed={budget === p.value}
              className={budget === p.value ? 'primary' : undefined}
              onClick={() => {
                setBudget(p.value);
                setBudgetText(String(p.value));
              }}
            >
              {p.label}
            </button>
          ))}
        </div>
        <label className="field">
          Token budget
          <input
            type="number"
            min={0}
            step={1000}
            inputMode="numeric"
            value={budgetText}
            onChange={(e) => {
              setBudgetText(e.target.value);
              const v = Math.floor(Number(e.target.value));
              if (Number.isFinite(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) setBudget(v);
            }}
          />
        </label>
        <label className="field">
          Tokenizer
          <select value={tok} onChange={(e) => setTok(e.target.value)}>
            {tokenizers.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Strategy</legend>
          {STRATEGIES.map((s) => (
            <label key={s.id} className="row" style={{ alignItems: 'flex-start', marginBottom: '.35rem' }}>
              <input type="radio" name="strategy" checked={strategy === s.id} onChange={() => setStrategy(s.id)} />
              <span>
                <strong>{s.label}</strong>
                <span className="small muted" style={{ display: 'block' }}>
                  {s.hint}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      </section>
      <section className="card stack" aria-labelledby="sel-h" aria-busy={busy}>
        <h2 id="sel-h">Selected books</h2>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {result && chosen.length === 0 && !busy && (
          <p className="notice" role="status">
            No book fits in {fmtInt(budget)} tokens of {tok}.{' '}
            {candidates.length > 0 && `The smallest book needs ${fmtInt(smallest)} tokens.`}
          </p>
        )}
        {result && chosen.length > 0 && (
          <>
            <div className="stats" role="status" aria-live="polite">
              <div className="stat">
                <div className="label">Books</div>
                <div className="value">{fmtInt(chosen.length)}</div>
              </div>
              <div className="stat">
                <div className="label">Tokens used</div>
                <div className="value">{fmtInt(used)}</div>
              </div>
              <div className="stat">
                <div className="label">Remaining</div>
                <div className="value">{fmtInt(budget - used)}</div>
              </div>
              <div className="stat">
                <div className="label">Words</div>
                <div className="value">{fmtInt(words)}</div>
              </div>
            </div>
            {costs.length > 0 && (
              <table aria-label="Cost of the selected books" className="compact">
                <thead>
                  <tr>
                    <th>Model ({tok})</th>
                    <th className="num">Cost of these books</th>
                  </tr>
                </thead>
                <tbody>
                  {costs.map((c) => (
                    <tr key={c.id}>
                      <td>{c.name}</td>
                      <td className="num">{Number.isFinite(c.cost) ? formatCost(c.cost) : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="small muted" style={{ margin: 0 }}>
              {strategy === 'optimal'
                ? result.selection.optimal
                  ? `Proven optimal in ${result.ms.toFixed(0)} ms.`
                  : `Best found; not proven optimal (at most ${fmtInt(result.selection.upperBound)} words are possible).`
                : `Computed in ${result.ms.toFixed(0)} ms.`}
            </p>
            <div className="row">
              <button
                type="button"
                onClick={() =>
                  navigator.clipboard?.writeText(list).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }
              >
                {copied ? 'Copied' : 'Copy list'}
              </button>
              <button
                type="button"
                onClick={() =>
                  downloadText(
                    `${baseName}-budget.json`,
                    JSON.stringify(
                      subsetDocument(
                        doc,
                        chosen.map((b) => b.row),
                        tokenizers,
                        { budget: { tokens: budget, tokenizer: tok, strategy, tokens_used: used } },
                      ),
                      null,
                      2,
                    ) + '\n',
                    'application/json',
                  )
                }
              >
                Download JSON
              </button>
              <button type="button" onClick={() => downloadText(`${baseName}-budget.csv`, booksToCsv(chosen, [tok]), 'text/csv')}>
                Download CSV
              </button>
            </div>
            <ol className="live-list" aria-label="Books in the budget">
              {chosen.map((b) => (
                <li key={b.index}>
                  <span className="t">
                    {b.title}
                    {b.subtitle && <span className="subtitle">{b.subtitle}</span>}
                  </span>
                  <span className="small muted">{fmtInt(b.tokens[tok])}</span>
                </li>
              ))}
            </ol>
          </>
        )}
        {busy && (
          <p className="small muted" role="status">
            Calculating…
          </p>
        )}
      </section>
    </div>
  );
}
