// The typed HTTP client for the job server API (docs/openapi.yaml).
// Every request has a 30 s timeout and every failure becomes an ApiError,
// so screens have one thing to show and retry. URLs are built from the
// generated `paths` type, so a path the contract does not list, or a
// missing path parameter, is a type error.
import type { paths } from './openapi.gen';
import type {
  CancelResult,
  FsListing,
  Job,
  JobCreated,
  JobList,
  JobRequest,
  JobStatus,
  ModelList,
  ResultsDocument,
  TextPage,
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

/**
 * The one parser of error answers: an ErrorBody `{"error":{code,message,details}}`
 * becomes its code and message; anything else becomes `HTTP_<status>` with
 * the start of the text.
 */
export function apiErrorFrom(status: number, text: string, statusText = ''): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null;
    const e = body?.error;
    if (e && typeof e.code === 'string') {
      return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, e.details ?? null);
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(status, `HTTP_${status}`, text.slice(0, 200) || statusText || `HTTP ${status}`);
}

type ApiPath = keyof paths;
/** `{job_id}` in a path template → `{ job_id: string }`. */
type PathParams<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? { [k in K]: string } & PathParams<Rest> : unknown;
type Query = Record<string, string | number | boolean | null | undefined>;

/**
 * The URL of an API path from docs/openapi.yaml with its parameters filled
 * in (encoded) and the query's set values appended.
 */
export function apiUrl<P extends ApiPath>(path: P, params: PathParams<P>, query: Query = {}): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, k: string) => encodeURIComponent(String((params as Record<string, string>)[k])));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${filled}?${qs}` : filled;
}

export async function request<T>(url: string, init: RequestInit = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const outer = init.signal;
  outer?.addEventListener('abort', () => ctrl.abort(outer.reason));
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: ctrl.signal });
  } catch (e) {
    if (ctrl.signal.aborted && (ctrl.signal.reason as DOMException)?.name === 'TimeoutError') {
      throw new ApiError(0, 'TIMEOUT', `The server did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    if (outer?.aborted) throw e;
    throw new ApiError(0, 'NETWORK', 'Could not reach the epubtok server. Is `epubtok serve` running?');
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw apiErrorFrom(res.status, await res.text().catch(() => ''), res.statusText);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  models: (signal?: AbortSignal) => request<ModelList>(apiUrl('/api/models', {}), { signal }),
  createJob: (body: JobRequest) => request<JobCreated>(apiUrl('/api/jobs', {}), json(body)),
  listJobs: (params: { limit?: number; cursor?: string | null; status?: JobStatus } = {}, signal?: AbortSignal) =>
    request<JobList>(apiUrl('/api/jobs', {}, params), { signal }),
  job: (id: string, signal?: AbortSignal) => request<Job>(apiUrl('/api/jobs/{job_id}', { job_id: id }), { signal }),
  cancelJob: (id: string) => request<CancelResult>(apiUrl('/api/jobs/{job_id}/cancel', { job_id: id }), { method: 'POST' }),
  deleteJob: (id: string) => request<void>(apiUrl('/api/jobs/{job_id}', { job_id: id }), { method: 'DELETE' }),
  eventsUrl: (id: string) => apiUrl('/api/jobs/{job_id}/events', { job_id: id }),
  globalEventsUrl: () => apiUrl('/api/events', {}),
  resultsJsonUrl: (id: string) => apiUrl('/api/jobs/{job_id}/results.json', { job_id: id }),
  fs: (path: string | null, signal?: AbortSignal) => request<FsListing>(apiUrl('/api/fs', {}, { path }), { signal }),
  chapterText: (q: { path: string; chapter: number; offset?: number; limit?: number }, signal?: AbortSignal) =>
    request<TextPage>(apiUrl('/api/text', {}, q), { signal }),
  validateResults: (text: string) =>
    request<ResultsDocument>(apiUrl('/api/results/validate', {}), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: text,
    }),
};

/**
 * Uploads one EPUB as a raw body, reporting progress (fetch() cannot report
 * upload progress, so this uses XMLHttpRequest).
 */
export function uploadEpub(file: File, onProgress: (fraction: number) => void): { promise: Promise<Upload>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<Upload>((resolve, reject) => {
    xhr.open('POST', apiUrl('/api/uploads', {}, { name: file.name }));
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
      reject(apiErrorFrom(xhr.status, xhr.responseText, xhr.statusText || 'Upload failed'));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted.'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled.'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
