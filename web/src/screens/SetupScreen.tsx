import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError } from '../api/client';
import type { Model } from '../api/types';
import { ErrorView, Skeleton, useAsync } from '../components/common';
import { FolderBrowser } from '../components/FolderBrowser';
import { TokenizerPicker } from '../components/TokenizerPicker';
import { UploadArea, type UploadItem } from '../components/UploadArea';
import { explainError } from '../lib/errors';
import { loadJson, saveJson } from '../lib/storage';

const STORAGE_KEY = 'epubtok.tokenizers';
const FOLDER_KEY = 'epubtok.folder';
const DEFAULT_TOKENIZERS = ['o200k_base'];

function rememberedTokenizers(models: Model[]): string[] {
  const known = new Set(models.map((m) => m.id));
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (Array.isArray(saved)) {
      const ids = saved.filter((x): x is string => typeof x === 'string' && known.has(x));
      if (ids.length) return ids;
    }
  } catch {
    /* ignore a corrupt entry */
  }
  return DEFAULT_TOKENIZERS.filter((x) => known.has(x));
}

export default function SetupScreen() {
  const [, navigate] = useLocation();
  const [models, retryModels] = useAsync((signal) => api.models(signal), []);
  const [roots] = useAsync((signal) => api.fs(null, signal), []);
  const [selected, setSelected] = useState<string[] | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [recursive, setRecursive] = useState(true);
  const [browsing, setBrowsing] = useState(false);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [tokError, setTokError] = useState<string | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [folderError, setFolderError] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (models.status === 'ok' && selected === null) setSelected(rememberedTokenizers(models.data.models));
  }, [models, selected]);
  useEffect(() => {
    // The folder counted last, else the first library root (so the sample library is ready to count).
    if (roots.status === 'ok' && folder === null) {
      const first = roots.data.entries.find((e) => e.kind === 'dir');
      setFolder(loadJson(FOLDER_KEY, first?.path ?? '', (v): v is string => typeof v === 'string'));
    }
  }, [roots, folder]);

  const chooseTokenizers = (ids: string[]) => {
    setSelected(ids);
    if (ids.length) setTokError(null);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(ids));
  };

  const uploading = uploads.some((u) => u.state === 'uploading');
  const uploaded = uploads.filter((u) => u.state === 'done' && u.upload).map((u) => `upload:${u.upload!.upload_id}`);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitError(null);
    setFolderError(null);
    if (!selected || selected.length === 0) {
      setTokError('Pick at least one tokenizer.');
      return;
    }
    const paths = [...(folder?.trim() ? [folder.trim()] : []), ...uploaded];
    if (paths.length === 0) {
      setSubmitError(new Error('Enter a library folder or add EPUB files.'));
      return;
    }
    setSubmitting(true);
    try {
      const job = await api.createJob({ paths, tokenizers: selected, recursive });
      // An uploads-only count leaves the folder empty: keep the last real one.
      if (folder?.trim()) saveJson(FOLDER_KEY, folder.trim());
      navigate(`/jobs/${encodeURIComponent(job.job_id)}`);
    } catch (err) {
      // A refused folder (the server names it "paths[0]") is shown beside the field.
      const at = err instanceof ApiError ? /^paths\[(\d+)\]/.exec(err.message) : null;
      if (err instanceof ApiError && at && folder?.trim() && Number(at[1]) === 0) setFolderError(err);
      else setSubmitError(err);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="setup-title">
      <h1 id="setup-title">Count tokens in a library</h1>
      <p className="muted" style={{ marginTop: 0 }}>
        Pick tokenizers, choose a folder or add EPUB files, then press <strong>Count tokens</strong>.
      </p>
      <div className="grid-2">
        <section className="card" aria-label="Tokenizer choice">
          {models.status === 'loading' && (
            <fieldset>
              <legend>Tokenizers</legend>
              <Skeleton lines={4} height="2.2rem" />
            </fieldset>
          )}
          {models.status === 'error' && <ErrorView error={models.error} onRetry={retryModels} title="Could not load the tokenizers" />}
          {models.status === 'ok' && (
            <TokenizerPicker models={models.data.models} selected={selected ?? []} onChange={chooseTokenizers} error={tokError} />
          )}
        </section>
        <div>
          <section className="card stack" aria-label="What to count">
            <div className="field">
              <label htmlFor="library-folder" style={{ fontWeight: 600 }}>
                Library folder
              </label>
              <div className="field-row">
                <input
                  id="library-folder"
                  aria-describedby={folderError ? 'library-folder-error library-folder-hint' : 'library-folder-hint'}
                  aria-invalid={folderError ? true : undefined}
                  type="text"
                  value={folder ?? ''}
                  onChange={(e) => {
                    setFolder(e.target.value);
                    setFolderError(null);
                  }}
                  placeholder={roots.status === 'loading' ? 'Loading…' : 'A folder inside a library root'}
                  spellCheck={false}
                  autoComplete="off"
                />
                <button type="button" onClick={() => setBrowsing((b) => !b)} aria-expanded={browsing}>
                  Browse…
                </button>
              </div>
              {folderError && (
                <span id="library-folder-error" className="error-text small" role="alert">
                  {folderError.code === 'FILE_NOT_FOUND'
                    ? 'Not found on the server: '
                    : `${explainError(folderError.code, folderError.message)} `}
                  {folderError.message.replace(/^paths\[\d+\]:\s*(no such file or folder:\s*)?/, '')} ({folderError.code})
                </span>
              )}
              <span id="library-folder-hint" className="hint muted small">
                Leave empty to count only the files you add below.
              </span>
            </div>
            {browsing && (
              <FolderBrowser
                start={folder?.trim() ? folder.trim() : null}
                onPick={(p) => {
                  setFolder(p);
                  setBrowsing(false);
                }}
                onClose={() => setBrowsing(false)}
              />
            )}
            <label className="row">
              <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} />
              Include sub-folders
            </label>
            <UploadArea items={uploads} setItems={setUploads} />
          </section>
          <section className="card stack" aria-label="Start">
            {submitError != null && <ErrorView error={submitError} title="Could not start the count" />}
            <div className="row">
              <button type="submit" className="primary" disabled={submitting || uploading}>
                Count tokens
              </button>
              {uploading && <span className="muted small">Waiting for uploads to finish…</span>}
              {submitting && (
                <span className="muted small" role="status">
                  Starting…
                </span>
              )}
            </div>
          </section>
        </div>
      </div>
    </form>
  );
}
