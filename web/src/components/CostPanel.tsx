import { useMemo } from 'react';
import type { FlatBook } from '../lib/books';
import { fmtInt } from '../lib/format';
import { formatCost, perBookCost, priceTable, ratePerMTok, requestCost } from '../lib/prices';

/** Input-token cost estimates per provider and model, from data/prices.json. */
export function CostPanel({ books, tokenizers }: { books: FlatBook[]; tokenizers: string[] }) {
  const counted = new Set(tokenizers);
  const ok = useMemo(() => books.filter((b) => b.status === 'ok'), [books]);
  return (
    <section className="card" aria-labelledby="cost-h">
      <h2 id="cost-h">Cost estimate</h2>
      <p className="notice small" style={{ marginTop: 0 }}>
        <strong>Prices are estimates</strong>, from a hand-maintained table dated{' '}
        <time dateTime={priceTable.written}>{priceTable.written}</time>. {priceTable.note} Costs are for input tokens only, sending each
        book once as its own request ({priceTable.currency}, {priceTable.unit}).
      </p>
      <div className="table-wrap" style={{ maxHeight: 'none' }}>
        <table aria-label="Cost estimate">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Model</th>
              <th>Tokenizer</th>
              <th className="num">Price / 1M</th>
              <th className="num">Tokens</th>
              <th className="num">Library cost</th>
              <th className="num">Largest book</th>
            </tr>
          </thead>
          <tbody>
            {priceTable.providers.flatMap((p) =>
              p.models.map((m, i) => {
                const has = counted.has(m.tokenizer);
                const perBook = has ? ok.map((b) => b.tokens[m.tokenizer] ?? 0) : [];
                const total = perBook.reduce((s, t) => s + t, 0);
                const largest = perBook.length ? Math.max(...perBook) : 0;
                return (
                  <tr key={m.id}>
                    <td>
                      {i === 0 ? (
                        <a href={p.pricing_url} target="_blank" rel="noreferrer">
                          {p.name}
                        </a>
                      ) : (
                        <span className="sr-only">{p.name}</span>
                      )}
                    </td>
                    <td>{m.name}</td>
                    <td>
                      <code>{m.tokenizer}</code>
                      {p.tokenizer_note && (
                        <span className="badge warn" title={p.tokenizer_note} style={{ marginLeft: '.35rem' }}>
                          approx.
                        </span>
                      )}
                    </td>
                    <td className="num">
                      ${m.input_per_mtok.toFixed(2)}
                      {m.tiers?.length ? (
                        <span className="small muted" style={{ display: 'block' }}>
                          {m.tiers.map((t) => `$${t.input_per_mtok.toFixed(2)} above ${fmtInt(t.above_tokens)}`).join('; ')}
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{has ? fmtInt(total) : <span className="muted small">not counted</span>}</td>
                    <td className="num">
                      <strong>{has ? formatCost(perBookCost(m, perBook)) : '–'}</strong>
                    </td>
                    <td className="num">
                      {has && perBook.length ? `${formatCost(requestCost(m, largest))} @ $${ratePerMTok(m, largest).toFixed(2)}` : '–'}
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
        {priceTable.providers.map((p, i) => (
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
