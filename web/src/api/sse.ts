// A Server-Sent Events client on fetch() instead of EventSource, because the
// UI needs three things EventSource cannot give: sending Last-Event-ID on the
// *first* connection (after a page reload), reading the server's
// `Last-Event-ID: earliest` response header (our id was trimmed, so the stream
// is a full replay and local state must be rebuilt), and telling a 404 (stop)
// from a network error (retry).

export interface SseMessage {
  /** The `id:` of this event, or of the last event that had one. */
  id: string | null;
  event: string;
  data: string;
}

/**
 * Incremental parser for the text/event-stream format (WHATWG HTML §9.2):
 * fields per line, `data` lines joined with "\n", dispatch on a blank line,
 * `:` comments ignored, `retry:` with digits only.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private sawData = false;
  private pendingCR = false;
  lastEventId: string | null = null;
  retry: number | null = null;

  constructor(lastEventId: string | null = null) {
    this.lastEventId = lastEventId;
  }

  /** Feeds decoded text; returns the events completed by it. */
  feed(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    // A CR at the end of the previous chunk may be the first half of CRLF.
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (!this.sawData) {
        this.eventType = '';
        return null;
      }
      const ev = { id: this.lastEventId, event: this.eventType || 'message', data: this.data.join('\n') };
      this.data = [];
      this.sawData = false;
      this.eventType = '';
      return ev;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return null;
  }
}

export type SseState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SseClientOptions {
  url: string;
  /** Resume after this id (sent as the Last-Event-ID header). */
  lastEventId?: string | null;
  onMessage: (msg: SseMessage) => void;
  /**
   * Called on each successful (re)connection. `fullReplay` is true when the
   * server will send the whole log from the start: no id was sent, or the
   * server answered `Last-Event-ID: earliest`. Rebuild local state then.
   */
  onOpen?: (info: { fullReplay: boolean }) => void;
  /** A fatal error: the client has stopped (HTTP 4xx, e.g. 404 JOB_NOT_FOUND). */
  onFatal?: (err: { status: number; body: string }) => void;
  onState?: (state: SseState) => void;
  /** Events after which the stream is finished and must not be reopened. */
  isTerminal?: (msg: SseMessage) => boolean;
  /** Initial reconnection delay until the server sends `retry:`. Default 3000 ms. */
  retryMs?: number;
  /** Upper bound for the back-off after repeated failures. Default 30000 ms. */
  maxRetryMs?: number;
  fetch?: typeof fetch;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export interface SseConnection {
  close(): void;
  lastEventId(): string | null;
}

/**
 * Opens a reconnecting SSE stream. Reconnects after network errors, 5xx
 * answers and streams that end before a terminal event, waiting the server's
 * `retry:` delay (doubling after each consecutive failure, capped), and sends
 * the last seen id each time so the server replays only what was missed.
 */
export function connectSse(opts: SseClientOptions): SseConnection {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearT = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as number));
  const maxRetry = opts.maxRetryMs ?? 30_000;
  let lastId: string | null = opts.lastEventId ?? null;
  let retryMs = opts.retryMs ?? 3000;
  let failures = 0;
  let closed = false;
  let finished = false;
  let timer: unknown = null;
  let abort: AbortController | null = null;

  const setState = (s: SseState) => opts.onState?.(s);

  const scheduleReconnect = () => {
    if (closed || finished) return;
    failures++;
    const delay = Math.min(maxRetry, retryMs * 2 ** Math.max(0, failures - 1));
    setState('reconnecting');
    timer = setT(() => {
      timer = null;
      void open();
    }, delay);
  };

  const open = async () => {
    if (closed) return;
    setState(failures === 0 ? 'connecting' : 'reconnecting');
    abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastId !== null) headers['Last-Event-ID'] = lastId;
    let res: Response;
    try {
      res = await doFetch(opts.url, { headers, signal: abort.signal, cache: 'no-store' });
    } catch {
      if (!closed) scheduleReconnect();
      return;
    }
    if (closed) return;
    if (!res.ok) {
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        finished = true;
        setState('closed');
        opts.onFatal?.({ status: res.status, body: await res.text().catch(() => '') });
        return;
      }
      scheduleReconnect();
      return;
    }
    const fullReplay = lastId === null || res.headers.get('Last-Event-ID') === 'earliest';
    setState('open');
    opts.onOpen?.({ fullReplay });
    // On a full replay the ids start again from the beginning.
    const parser = new SseParser(fullReplay ? null : lastId);
    const decoder = new TextDecoder();
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (closed) return;
        const msgs = parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
        if (parser.retry !== null) retryMs = parser.retry;
        // The back-off resets only once the stream delivers an event: a
        // server that accepts and at once closes (a finished job asked for
        // what follows its last event) must not be polled at the base rate.
        if (msgs.length) failures = 0;
        for (const msg of msgs) {
          lastId = msg.id;
          opts.onMessage(msg);
          if (opts.isTerminal?.(msg)) finished = true;
        }
        if (done) break;
      }
    } catch {
      // Connection dropped mid-stream: fall through to reconnect.
    }
    if (closed) return;
    if (finished) {
      setState('closed');
      abort?.abort();
      return;
    }
    scheduleReconnect();
  };

  void open();
  return {
    close() {
      closed = true;
      if (timer !== null) clearT(timer);
      abort?.abort();
      setState('closed');
    },
    lastEventId: () => lastId,
  };
}
