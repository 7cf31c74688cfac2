// The typed HTTP client for the job server API (docs/openapi.yaml).
// Every request has a 30 s timeout and every failure becomes an ApiError,
// so screens have one thing to show and retry.
import type {
  CancelResult,
  ErrorBody,
  FsListing,
  Job,
  JobCreated,
  JobList,
  JobRequest,
  JobStatus,
  ModelList,
  ResultsDocument,
  Upload,
} from './types';

export const REQUEST_TIMEOUT_MS = 30_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (body?.error?.code) return new ApiError(res.status, body.error.code, body.error.message, body.error.details ?? null);
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 200) || res.statusText || `HTTP ${res.status}`);
}

export async function request<T>(path: string, init: RequestInit = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const outer = init.signal;
  outer?.addEventListener('abort', () => ctrl.abort(outer.reason));
  let res: Response;
  try {
    res = await fetch(path, { ...init, signal: ctrl.signal });
  } catch (e) {
    if (ctrl.signal.aborted && (ctrl.signal.reason as DOMException)?.name === 'TimeoutError') {
      throw new ApiError(0, 'TIMEOUT', `The server did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    if (outer?.aborted) throw e;
    throw new ApiError(0, 'NETWORK', 'Could not reach the epubtok server. Is `epubtok serve` running?');
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  models: (signal?: AbortSignal) => request<ModelList>('/api/models', { signal }),
  createJob: (body: JobRequest) => request<JobCreated>('/api/jobs', json(body)),
  listJobs: (params: { limit?: number; cursor?: string | null; status?: JobStatus } = {}, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (params.limit) q.set('limit', String(params.limit));
    if (params.cursor) q.set('cursor', params.cursor);
    if (params.status) q.set('status', params.status);
    const qs = q.toString();
    return request<JobList>(`/api/jobs${qs ? `?${qs}` : ''}`, { signal });
  },
  job: (id: string, signal?: AbortSignal) => request<Job>(`/api/jobs/${encodeURIComponent(id)}`, { signal }),
  cancelJob: (id: string) => request<CancelResult>(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  deleteJob: (id: string) => request<void>(`/api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  eventsUrl: (id: string) => `/api/jobs/${encodeURIComponent(id)}/events`,
  fs: (path: string | null, signal?: AbortSignal) =>
    request<FsListing>(`/api/fs${path ? `?path=${encodeURIComponent(path)}` : ''}`, { signal }),
  validateResults: (text: string) =>
    request<ResultsDocument>('/api/results/validate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text }),
};

/**
 * Uploads one EPUB as a raw body, reporting progress (fetch() cannot report
 * upload progress, so this uses XMLHttpRequest).
 */
export function uploadEpub(file: File, onProgress: (fraction: number) => void): { promise: Promise<Upload>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<Upload>((resolve, reject) => {
    xhr.open('POST', `/api/uploads?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'application/epub+zip');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as Upload);
        return;
      }
      let err = new ApiError(xhr.status, `HTTP_${xhr.status}`, xhr.statusText || 'Upload failed');
      try {
        const body = JSON.parse(xhr.responseText) as ErrorBody;
        err = new ApiError(xhr.status, body.error.code, body.error.message, body.error.details ?? null);
      } catch {
        /* keep the generic error */
      }
      reject(err);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted.'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled.'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
