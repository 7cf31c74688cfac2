import { api } from '../api/client';
import { ErrorView, Skeleton, useAsync } from './common';
import { useState } from 'react';

/** Browses folders inside the library roots (GET /api/fs) and picks one. */
/** Drawn, not an emoji: an emoji needs a colour-emoji font the machine may lack (it showed as an empty box). */
function FolderIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M1.5 3.5h4.2l1.5 1.5h7.3v8.5h-13z" fill="currentColor" fillOpacity="0.18" stroke="currentColor" strokeWidth="1.1" />
    </svg>
  );
}

export function FolderBrowser({ start, onPick, onClose }: { start: string | null; onPick: (path: string) => void; onClose: () => void }) {
  const [path, setPath] = useState<string | null>(start);
  const [state, retry] = useAsync((signal) => api.fs(path, signal), [path]);
  return (
    <div className="folder-browser" role="group" aria-label="Folder browser">
      <div className="crumbs">
        <button
          type="button"
          className="small"
          disabled={state.status !== 'ok' || state.data.path === null}
          onClick={() => state.status === 'ok' && setPath(state.data.parent)}
        >
          ↑ Up
        </button>
        <span className="small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', flex: 1 }}>
          {state.status === 'ok' ? (state.data.path ?? 'Library roots') : '…'}
        </span>
        {state.status === 'ok' && state.data.path && (
          <button type="button" className="small primary" onClick={() => onPick(state.data.path!)}>
            Use this folder
          </button>
        )}
        <button type="button" className="small" onClick={onClose} aria-label="Close folder browser">
          ✕
        </button>
      </div>
      {state.status === 'loading' && (
        <div style={{ padding: '.6rem' }}>
          <Skeleton lines={3} />
        </div>
      )}
      {state.status === 'error' && (
        <div style={{ padding: '.6rem' }}>
          <ErrorView error={state.error} onRetry={retry} title="Could not list the folder" />
        </div>
      )}
      {state.status === 'ok' && (
        <ul>
          {state.data.entries.length === 0 && (
            <li className="muted small" style={{ padding: '.6rem' }}>
              This folder is empty.
            </li>
          )}
          {state.data.entries.map((e) =>
            e.kind === 'dir' ? (
              <li key={e.path}>
                <button type="button" onClick={() => setPath(e.path)}>
                  <span>
                    <FolderIcon /> {e.name}
                  </span>
                  <span className="badge">
                    {e.epub_count ?? 0} EPUB{e.epub_count === 1 ? '' : 's'}
                  </span>
                </button>
              </li>
            ) : (
              <li key={e.path} className="small muted" style={{ padding: '.35rem .9rem', borderBottom: '1px solid var(--border)' }}>
                📖 {e.name}
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}
