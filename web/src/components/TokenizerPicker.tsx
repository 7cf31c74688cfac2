import { useId, useMemo, useState } from 'react';
import type { Model } from '../api/types';
import { fmtInt } from '../lib/format';
import { searchModels } from '../lib/modelSearch';
import { priceTable } from '../lib/prices';

const FAMILY_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  meta: 'Meta (Llama)',
  qwen: 'Qwen',
  deepseek: 'DeepSeek',
  mistral: 'Mistral',
};
export const familyName = (f: string) => FAMILY_NAMES[f] ?? (f ? f[0].toUpperCase() + f.slice(1) : 'Other');

/**
 * The tokenizer picker: a group labelled "Tokenizers" of checkboxes whose
 * accessible names are exactly the tokenizer ids (details are descriptions).
 */
export function TokenizerPicker({
  models,
  selected,
  onChange,
  error,
}: {
  models: Model[];
  selected: string[];
  onChange: (ids: string[]) => void;
  error?: string | null;
}) {
  const [query, setQuery] = useState('');
  const uid = useId();
  const groups = useMemo(() => {
    const byFamily = new Map<string, Model[]>();
    for (const m of models) {
      const list = byFamily.get(m.family) ?? [];
      list.push(m);
      byFamily.set(m.family, list);
    }
    return [...byFamily.entries()];
  }, [models]);
  const found = useMemo(() => searchModels(models, query, priceTable, familyName), [models, query]);
  const matches = (m: Model) => found.has(m.id);
  const set = new Set(selected);
  const toggle = (id: string, on: boolean) => {
    // Keep the list in the order the server lists models, so columns are stable.
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(models.map((m) => m.id).filter((x) => next.has(x)));
  };
  const setFamily = (family: string, on: boolean) => {
    const next = new Set(selected);
    for (const m of models) {
      if (m.family !== family) continue;
      if (on) next.add(m.id);
      else next.delete(m.id);
    }
    onChange(models.map((m) => m.id).filter((x) => next.has(x)));
  };
  let shown = 0;
  return (
    <fieldset aria-describedby={error ? `${uid}-err` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Tokenizers</legend>
      <div className="row">
        <input
          type="search"
          placeholder="Search tokenizers"
          aria-label="Search tokenizers"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ flex: 1 }}
        />
        <span className="muted small" aria-live="polite">
          {selected.length} selected
        </span>
      </div>
      {groups.map(([family, list]) => {
        const visible = list.filter(matches);
        shown += visible.length;
        const allOn = list.every((m) => set.has(m.id));
        return (
          <div key={family} className="tok-family" hidden={visible.length === 0}>
            <div className="tok-family-head">
              <span id={`${uid}-${family}`}>{familyName(family)}</span>
              <button type="button" className="link small" onClick={() => setFamily(family, !allOn)} aria-describedby={`${uid}-${family}`}>
                {allOn ? 'Clear family' : 'Select family'}
              </button>
            </div>
            <div className="tok-list">
              {list.map((m) => (
                <label key={m.id} className={`tok-item${set.has(m.id) ? ' checked' : ''}`} hidden={!matches(m)}>
                  <input
                    type="checkbox"
                    checked={set.has(m.id)}
                    onChange={(e) => toggle(m.id, e.target.checked)}
                    aria-labelledby={`${uid}-n-${m.id}`}
                    aria-describedby={found.get(m.id)?.via ? `${uid}-a-${m.id} ${uid}-d-${m.id}` : `${uid}-d-${m.id}`}
                  />
                  <span>
                    <span className="tok-id" id={`${uid}-n-${m.id}`}>
                      {m.id}
                    </span>
                    {found.get(m.id)?.via && (
                      <span className="tok-alias" id={`${uid}-a-${m.id}`}>
                        {found.get(m.id)!.via} → {m.id}
                      </span>
                    )}
                    <span className="tok-meta" id={`${uid}-d-${m.id}`}>
                      {m.name}
                      {m.vocab_size ? ` · vocab ${fmtInt(m.vocab_size)}` : ''} · {m.source} <ExactnessBadge model={m} />
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </div>
        );
      })}
      {shown === 0 && <p className="muted">No tokenizer matches “{query}”.</p>}
      <RemoteNotice models={models.filter((m) => set.has(m.id) && m.remote)} />
      {error && (
        <p id={`${uid}-err`} className="error-text" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/**
 * What a tokenizer's numbers are (docs/tokenizers.md): "API" for a count
 * asked from the vendor's API, "approximate" for a stand-in, "local
 * tokenizer" for the vendor SDK's own local count; exact ones need no badge.
 */
export function ExactnessBadge({ model }: { model: Partial<Pick<Model, 'exactness' | 'exactness_reason' | 'approximate' | 'note'>> }) {
  const exactness = model.exactness ?? (model.approximate ? 'approximate' : 'exact');
  const reason = model.exactness_reason || model.note;
  if (exactness === 'api') {
    return (
      <span className="badge api" title={reason ?? "The vendor's own count, from its API: the text is sent to the vendor."}>
        API
      </span>
    );
  }
  if (exactness === 'approximate') {
    return (
      <span className="badge warn" title={reason ?? 'Counts are approximate for the models named.'}>
        approximate
      </span>
    );
  }
  if (exactness === 'exact-local-tokenizer') {
    return (
      <span className="badge" title={reason}>
        local tokenizer
      </span>
    );
  }
  return null;
}

/** Said while a tokenizer that sends the text away (claude-api:*) is picked. */
function RemoteNotice({ models }: { models: Model[] }) {
  if (models.length === 0) return null;
  return (
    <p className="notice small" role="note" aria-label="Text leaves this machine">
      <strong>Text leaves this machine.</strong> Counting with {models.map((m) => m.id).join(', ')} sends the text of every chapter to
      Anthropic, which counts it under your <code>ANTHROPIC_API_KEY</code>. Counts already in the server&apos;s cache are not sent again.
    </p>
  );
}
