import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { ResultsDocument } from '../api/types';
import { ErrorView, Skeleton } from '../components/common';
import { compareDocs, type CompareRow } from '../lib/compare';
import { fmtInt } from '../lib/format';
import { listImports, loadImport, names } from '../lib/library';

interface Side {
  name: string;
  doc: ResultsDocument;
}

/** Loads "job:ID" from the server or "import:ID" from this browser. */
async function loadSide(key: string, signal: AbortSignal): Promise<Side> {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  const label = names()[id];
  if (kind === 'import') {
    const doc = loadImport(id);
    const entry = listImports().find((x) => x.id === id);
    if (!doc || !entry) throw new Error(`The opened results ${id} are no longer kept in this browser.`);
    return { name: label ?? entry.fileName, doc };
  }
  const job = await api.job(id, signal);
  if (!job.results) throw new Error(`Job ${id} has no results yet.`);
  return { name: label ?? `Job ${id}`, doc: job.results };
}

const pct = (a: number, b: number) => (a === 0 ? (b === 0 ? '0%' : '–') : `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(1)}%`);
const delta = (a: number, b: number) => `${b - a >= 0 ? '+' : ''}${fmtInt(b - a)}`;

function Cells({ row, t }: { row: CompareRow; t: string }) {
  const a = row.a?.tokens[t];
  const b = row.b?.tokens[t];
  return (
    <>
      <td className="num" data-label={`${t} A`}>
        {fmtInt(a)}
      </td>
      <td className="num" data-label={`${t} B`}>
        {fmtInt(b)}
      </td>
      <td className={`num${a != null && b != null && a !== b ? ' changed' : ''}`} data-label={`${t} Δ`}>
        {a != null && b != null ? `${delta(a, b)} (${pct(a, b)})` : '–'}
      </td>
    </>
  );
}

/** Two runs side by side: per book and tokenizer, with totals. */
export default function CompareScreen() {
  const params = new URLSearchParams(window.location.search);
  const keyA = params.get('a') ?? '';
  const keyB = params.get('b') ?? '';
  const [sides, setSides] = useState<[Side, Side] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [changedOnly, setChangedOnly] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all([loadSide(keyA, ctrl.signal), loadSide(keyB, ctrl.signal)]).then(
      (s) => !ctrl.signal.aborted && setSides(s),
      (e) => !ctrl.signal.aborted && setError(e),
    );
    return () => ctrl.abort();
  }, [keyA, keyB]);
  const cmp = useMemo(() => (sides ? compareDocs(sides[0].doc, sides[1].doc) : null), [sides]);

  if (error) return <ErrorView error={error} title="Could not compare these runs" />;
  if (!sides || !cmp) return <Skeleton lines={6} />;
  const differs = (r: CompareRow) =>
    !r.a || !r.b || r.a.words !== r.b.words || cmp.tokenizers.some((t) => r.a!.tokens[t] !== r.b!.tokens[t]);
  const rows = changedOnly ? cmp.rows.filter(differs) : cmp.rows;
  return (
    <section className="card" aria-labelledby="cmp-h">
      <h1 id="cmp-h">Compare runs</h1>
      <p className="small">
        <strong>A</strong>: {sides[0].name} · <strong>B</strong>: {sides[1].name} · <Link href="/history">back to History</Link>
      </p>
      <p className="small muted">
        {fmtInt(cmp.rows.length)} books, {fmtInt(cmp.rows.filter(differs).length)} differ
        {cmp.onlyA > 0 && ` · ${fmtInt(cmp.onlyA)} only in A`}
        {cmp.onlyB > 0 && ` · ${fmtInt(cmp.onlyB)} only in B`}. Totals are over the books counted in both.
        {cmp.tokenizers.length === 0 && ' The two runs have no tokenizer in common.'}
      </p>
      <label className="row small">
        <input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly(e.target.checked)} />
        Only books that differ
      </label>
      <div className="table-wrap sticky-first cardable">
        <table aria-label="Differences">
          <thead>
            <tr>
              <th>Book</th>
              <th className="num">Words A</th>
              <th className="num">Words B</th>
              {cmp.tokenizers.map((t) => (
                <th key={t} className="num" colSpan={3}>
                  {t} A · B · Δ
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr className="totals">
              <td className="title" data-label="Book">
                <strong>Total</strong>
              </td>
              <td className="num" data-label="Words A">
                {fmtInt(cmp.totals.wordsA)}
              </td>
              <td className="num" data-label="Words B">
                {fmtInt(cmp.totals.wordsB)}
              </td>
              {cmp.tokenizers.map((t) => (
                <Cells
                  key={t}
                  t={t}
                  row={{ key: '', title: '', a: { words: 0, tokens: cmp.totals.a }, b: { words: 0, tokens: cmp.totals.b } }}
                />
              ))}
            </tr>
            {rows.map((r) => (
              <tr key={r.key}>
                <td className="title" data-label="Book">
                  {r.title}
                  <span className="subtitle">{r.key}</span>
                  {!r.a && <span className="badge warn">only in B</span>}
                  {!r.b && <span className="badge warn">only in A</span>}
                </td>
                <td className="num" data-label="Words A">
                  {fmtInt(r.a?.words)}
                </td>
                <td className="num" data-label="Words B">
                  {fmtInt(r.b?.words)}
                </td>
                {cmp.tokenizers.map((t) => (
                  <Cells key={t} t={t} row={r} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
