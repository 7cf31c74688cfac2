import { useRef, useState } from 'react';
import { ApiError, uploadEpub } from '../api/client';
import type { Upload } from '../api/types';
import { explainError } from '../lib/errors';
import { fmtBytes } from '../lib/format';

/** The server's default per-file limit; the server enforces its own too. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'error';
  error?: string;
  upload?: Upload;
  abort?: () => void;
}

/** Drag-and-drop and a file picker that upload EPUBs with per-file progress. */
export function UploadArea({ items, setItems }: { items: UploadItem[]; setItems: (fn: (prev: UploadItem[]) => UploadItem[]) => void }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const patch = (key: string, p: Partial<UploadItem>) => setItems((prev) => prev.map((it) => (it.key === key ? { ...it, ...p } : it)));

  const addFiles = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const base: UploadItem = { key, name: file.name, size: file.size, progress: 0, state: 'uploading' };
      if (!/\.epub$/i.test(file.name)) {
        setItems((prev) => [...prev, { ...base, state: 'error', error: 'Not an EPUB file (the name must end in .epub).' }]);
        continue;
      }
      if (file.size > MAX_UPLOAD_BYTES) {
        setItems((prev) => [
          ...prev,
          { ...base, state: 'error', error: `Too large: ${fmtBytes(file.size)} is over the ${fmtBytes(MAX_UPLOAD_BYTES)} limit per file.` },
        ]);
        continue;
      }
      const job = uploadEpub(file, (f) => patch(key, { progress: f }));
      setItems((prev) => [...prev, { ...base, abort: job.abort }]);
      job.promise.then(
        (upload) => patch(key, { state: 'done', progress: 1, upload, abort: undefined }),
        (err: unknown) => {
          const e = err instanceof ApiError ? err : null;
          const msg =
            e?.status === 413
              ? 'Too large for the server’s upload limit.'
              : e
                ? `${explainError(e.code, e.message)} ${e.message !== explainError(e.code, e.message) ? e.message : ''}`
                : String(err);
          patch(key, { state: 'error', error: msg.trim(), abort: undefined });
        },
      );
    }
  };

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        addFiles(e.dataTransfer.files);
      }}
    >
      <label htmlFor="epub-files" style={{ fontWeight: 600 }}>
        Add EPUB files
      </label>
      <p className="muted small" style={{ margin: '.25rem 0 .5rem' }}>
        Drop .epub files here or choose them (up to {fmtBytes(MAX_UPLOAD_BYTES)} each).
      </p>
      <input
        id="epub-files"
        ref={input}
        type="file"
        accept=".epub,application/epub+zip"
        multiple
        onChange={(e) => {
          if (e.target.files) addFiles(e.target.files);
          e.target.value = '';
        }}
      />
      {items.length > 0 && (
        <ul className="upload-list" aria-label="Uploaded files">
          {items.map((it) => (
            <li key={it.key}>
              <span className="name" title={it.name}>
                {it.name} <span className="muted small">{fmtBytes(it.size)}</span>
                {it.state === 'error' && (
                  <span className="error-text small" role="alert" style={{ display: 'block', whiteSpace: 'normal' }}>
                    {it.error}
                  </span>
                )}
              </span>
              {it.state === 'error' ? (
                <span className="badge danger">failed</span>
              ) : it.state === 'done' ? (
                <span className="badge ok">uploaded</span>
              ) : (
                <progress max={1} value={it.progress} aria-label={`Uploading ${it.name}`} />
              )}
              <button
                type="button"
                className="small"
                aria-label={`Remove ${it.name}`}
                onClick={() => {
                  it.abort?.();
                  setItems((prev) => prev.filter((x) => x.key !== it.key));
                }}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
