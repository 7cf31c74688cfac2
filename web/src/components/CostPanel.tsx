import { useMemo, useState } from 'react';
import type { FlatBook } from '../lib/books';
import { fmtInt } from '../lib/format';
import { setAssumptions, setModelOverride, resetPrices, usePrices } from '../lib/priceStore';
import {
  bookCost,
  fmtWindow,
  formatCost,
  priceTable,
  pricedTokenizer,
  type CostAssumptions,
  type ModelPrice,
  type Provider,
} from '../lib/prices';

/** The cost of sending each book of `tokens` to one model, as its context window allows. */
export function libraryCost(provider: Provider, model: ModelPrice, tokens: readonly number[], a: CostAssumptions) {
  let cost = 0;
  let requests = 0;
  let split = 0;
  for (const t of tokens) {
    const c = bookCost(provider, model, t, a);
    cost += c.cost;
    requests += c.requests;
    if (c.requests > 1) split++;
  }
  return { cost, requests, split };
}

/** A number field that accepts a value only when it parses; blank restores the table's value. */
function NumberCell({
  value,
  base,
  label,
  step,
  onSet,
}: {
  value: number | undefined;
  base: number | undefined;
  label: string;
  step: number;
  onSet: (v: number | undefined) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const edited = value !== base;
  return (
    <input
      type="number"
      min={0}
      step={step}
      inputMode="decimal"
      aria-label={label}
      className={`cell-input${edited ? ' edited' : ''}`}
      value={text ?? (value === undefined ? '' : String(value))}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === '') return onSet(undefined);
        const v = Number(e.target.value);
        if (Number.isFinite(v) && v >= 0) onSet(v);
      }}
      onBlur={() => setText(null)}
      title={edited ? `Edited; the dated table says ${base ?? 'nothing'}` : undefined}
    />
  );
}

/** Cost estimates per provider and model, from the dated price table and the user's edits. */
export function CostPanel({ books, tokenizers }: { books: FlatBook[]; tokenizers: string[] }) {
  const counted = new Set(tokenizers);
  const ok = useMemo(() => books.filter((b) => b.status === 'ok'), [books]);
  const { table, overrides, assumptions } = usePrices();
  const edited = Object.keys(overrides).length > 0 || assumptions.outputTokens > 0 || assumptions.batch || assumptions.cachedShare > 0;
  const baseModel = (id: string) => priceTable.providers.flatMap((p) => p.models).find((m) => m.id === id)!;
  const roughGuides = table.providers.flatMap((p) => p.models).filter((m) => pricedTokenizer(m, counted).roughGuide);
  return (
    <section className="card" aria-labelledby="cost-h">
      <h2 id="cost-h">Cost estimate</h2>
      <p className="notice small" style={{ marginTop: 0 }}>
        <strong>Prices are estimates</strong>, from a hand-maintained table dated{' '}
        <time dateTime={priceTable.written}>{priceTable.written}</time>. {priceTable.note} Every price and window below can be edited; edits
        stay in this browser. A book larger than a model&apos;s context window is sent as several equal requests, each billed on its own (
        {priceTable.currency}, {priceTable.unit}).
      </p>
      {roughGuides.length > 0 && (
        <p className="notice small" role="note" aria-label="Rough guide">
          <strong>Rough guide:</strong> {roughGuides.map((m) => m.name).join(', ')} {roughGuides.length === 1 ? 'is' : 'are'} priced from
          the legacy <code>claude</code> tokenizer, which current Claude models do not use; the true count may differ by an unknown amount.
          Count with <code>{roughGuides[0].api_tokenizer}</code> (or another <code>claude-api:</code> tokenizer) for Anthropic&apos;s own
          counts.
        </p>
      )}
      <div className="toolbar">
        <label>
          Output tokens per request
          <input
            type="number"
            min={0}
            step={100}
            inputMode="numeric"
            value={assumptions.outputTokens}
            onChange={(e) => setAssumptions({ outputTokens: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
            style={{ width: '9rem' }}
          />
        </label>
        <label>
          Cached input (%)
          <input
            type="number"
            min={0}
            max={100}
            step={5}
            inputMode="numeric"
            value={Math.round(assumptions.cachedShare * 100)}
            onChange={(e) => setAssumptions({ cachedShare: Math.min(100, Math.max(0, Number(e.target.value) || 0)) / 100 })}
            style={{ width: '7rem' }}
          />
        </label>
        <label className="row" style={{ flexDirection: 'row', alignItems: 'center' }}>
          <input type="checkbox" checked={assumptions.batch} onChange={(e) => setAssumptions({ batch: e.target.checked })} />
          Batch requests (provider discount)
        </label>
        <span className="spacer" />
        <button type="button" onClick={resetPrices} disabled={!edited}>
          Reset to the dated table
        </button>
      </div>
      <div className="table-wrap sticky-first cardable" style={{ maxHeight: 'none' }}>
        <table aria-label="Cost estimate">
          <thead>
            <tr>
              <th>Model</th>
              <th>Provider</th>
              <th>Tokenizer</th>
              <th className="num">Context window</th>
              <th className="num">Input / 1M</th>
              <th className="num">Output / 1M</th>
              <th className="num">Tokens</th>
              <th className="num">Requests</th>
              <th className="num">Library cost</th>
              <th className="num">Largest book</th>
            </tr>
          </thead>
          <tbody>
            {table.providers.flatMap((p) =>
              p.models.map((m) => {
                const priced = pricedTokenizer(m, counted);
                const has = counted.has(priced.id);
                const perBook = has ? ok.map((b) => b.tokens[priced.id] ?? 0) : [];
                const total = perBook.reduce((s, t) => s + t, 0);
                const largest = perBook.length ? Math.max(...perBook) : 0;
                const lib = libraryCost(p, m, perBook, assumptions);
                const big = bookCost(p, m, largest, assumptions);
                const base = baseModel(m.id);
                return (
                  <tr key={m.id}>
                    <td className="title" data-label="Model">
                      {m.name}
                    </td>
                    <td data-label="Provider">
                      <a href={p.pricing_url} target="_blank" rel="noreferrer">
                        {p.name}
                      </a>
                    </td>
                    <td data-label="Tokenizer">
                      <code>{priced.id}</code>
                      {priced.viaApi ? (
                        <span
                          className="badge api"
                          title="Anthropic's own count, from its token-counting API"
                          style={{ marginLeft: '.35rem' }}
                        >
                          API
                        </span>
                      ) : priced.roughGuide ? (
                        <span className="badge warn" title={p.tokenizer_note} style={{ marginLeft: '.35rem' }}>
                          rough guide
                        </span>
                      ) : null}
                    </td>
                    <td className="num" data-label="Context window">
                      <NumberCell
                        value={m.context_window}
                        base={base.context_window}
                        step={1000}
                        label={`${m.name} context window, tokens`}
                        onSet={(v) => setModelOverride(m.id, 'context_window', v)}
                      />
                    </td>
                    <td className="num" data-label="Input / 1M">
                      <NumberCell
                        value={m.input_per_mtok}
                        base={base.input_per_mtok}
                        step={0.01}
                        label={`${m.name} input price per 1M tokens`}
                        onSet={(v) => setModelOverride(m.id, 'input_per_mtok', v)}
                      />
                      {m.tiers?.length ? (
                        <span className="small muted" style={{ display: 'block' }}>
                          {m.tiers.map((t) => `$${t.input_per_mtok.toFixed(2)} above ${fmtWindow(t.above_tokens)}`).join('; ')}
                        </span>
                      ) : null}
                    </td>
                    <td className="num" data-label="Output / 1M">
                      <NumberCell
                        value={m.output_per_mtok}
                        base={base.output_per_mtok}
                        step={0.01}
                        label={`${m.name} output price per 1M tokens`}
                        onSet={(v) => setModelOverride(m.id, 'output_per_mtok', v)}
                      />
                    </td>
                    <td className="num" data-label="Tokens">
                      {has ? fmtInt(total) : <span className="muted small">not counted</span>}
                    </td>
                    <td className="num" data-label="Requests">
                      {has ? (
                        Number.isFinite(lib.requests) ? (
                          <>
                            {fmtInt(lib.requests)}
                            {lib.split > 0 && (
                              <span className="badge warn" style={{ marginLeft: '.35rem' }} title="Books larger than the context window">
                                {lib.split} split
                              </span>
                            )}
                          </>
                        ) : (
                          <span className="badge danger">output fills the window</span>
                        )
                      ) : (
                        '–'
                      )}
                    </td>
                    <td className="num" data-label="Library cost">
                      <strong>{has && Number.isFinite(lib.cost) ? formatCost(lib.cost) : '–'}</strong>
                    </td>
                    <td className="num" data-label="Largest book">
                      {has && perBook.length && Number.isFinite(big.cost)
                        ? `${formatCost(big.cost)}${big.requests > 1 ? ` in ${big.requests} requests` : ''}`
                        : '–'}
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
      <p className="small muted">
        Official pricing pages:{' '}
        {table.providers.map((p, i) => (
          <span key={p.id}>
            {i > 0 && ' · '}
            <a href={p.pricing_url} target="_blank" rel="noreferrer">
              {p.name}
            </a>
          </span>
        ))}
        . Rows marked “not counted” need their tokenizer picked when counting.
      </p>
    </section>
  );
}
