import { describe, expect, it } from 'vitest';
import { connectSse, SseParser, type SseMessage } from './sse';

describe('SseParser', () => {
  it('parses fields, joins data lines and ignores comments', () => {
    const p = new SseParser();
    const evs = p.feed('retry: 3000\n\n: heartbeat\nid: 1\nevent: queued\ndata: {"position":2}\n\nid: 2\ndata: a\ndata: b\n\n');
    expect(p.retry).toBe(3000);
    expect(evs).toEqual([
      { id: '1', event: 'queued', data: '{"position":2}' },
      { id: '2', event: 'message', data: 'a\nb' },
    ]);
  });

  it('handles events split across chunks, including a CRLF split in two', () => {
    const p = new SseParser();
    const out: SseMessage[] = [];
    for (const chunk of ['id: 7\r', '\nevent: bo', 'ok\r\ndata: {"x"', ':1}\r', '\n\r', '\n']) out.push(...p.feed(chunk));
    expect(out).toEqual([{ id: '7', event: 'book', data: '{"x":1}' }]);
  });

  it('keeps the last id for events without one and ignores bad retry values', () => {
    const p = new SseParser('4');
    const evs = p.feed('retry: 12a\nevent: progress\ndata:x\n\nid\ndata: y\n\n');
    expect(p.retry).toBeNull();
    expect(evs).toEqual([
      { id: '4', event: 'progress', data: 'x' },
      { id: '', event: 'message', data: 'y' },
    ]);
  });

  it('does not dispatch an event with no data', () => {
    const p = new SseParser();
    expect(p.feed('id: 3\nevent: x\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('3');
  });
});

// A scripted fetch: each call takes the next response from the script.
type Scripted = { status?: number; headers?: Record<string, string>; chunks?: string[]; error?: boolean; hang?: boolean };

function harness(script: Scripted[]) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: { ...(init.headers as Record<string, string>) } });
    const step = script.shift();
    if (!step || step.error) throw new TypeError('network down');
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (const c of step.chunks ?? []) ctrl.enqueue(enc.encode(c));
        if (!step.hang) ctrl.close();
        init.signal?.addEventListener('abort', () => {
          try {
            ctrl.error(new DOMException('aborted', 'AbortError'));
          } catch {
            /* closed */
          }
        });
      },
    });
    return new Response(step.status && step.status >= 400 ? 'err' : body, { status: step.status ?? 200, headers: step.headers });
  }) as unknown as typeof fetch;
  const setTimeout = (fn: () => void, ms: number) => {
    const t = { fn, ms, cleared: false };
    timers.push(t);
    return t;
  };
  const clearTimeout = (h: unknown) => {
    (h as { cleared: boolean }).cleared = true;
  };
  return { calls, timers, fetchFn, setTimeout, clearTimeout };
}

const flush = () => new Promise((r) => globalThis.setTimeout(r, 5));
const terminal = (m: SseMessage) => ['completed', 'failed', 'cancelled'].includes(m.event);

describe('connectSse', () => {
  it('reconnects with Last-Event-ID after the stream drops, waiting the server retry', async () => {
    const h = harness([
      { chunks: ['retry: 1500\n\nid: 1\nevent: started\ndata: {}\n\nid: 2\nevent: progress\ndata: {}\n\n'] },
      { chunks: ['id: 3\nevent: completed\ndata: {}\n\n'] },
    ]);
    const got: string[] = [];
    const opens: boolean[] = [];
    connectSse({
      url: '/api/jobs/j1/events',
      onMessage: (m) => got.push(`${m.id}:${m.event}`),
      onOpen: (o) => opens.push(o.fullReplay),
      isTerminal: terminal,
      fetch: h.fetchFn,
      setTimeout: h.setTimeout,
      clearTimeout: h.clearTimeout,
    });
    await flush();
    expect(h.calls[0].headers['Last-Event-ID']).toBeUndefined();
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0].ms).toBe(1500);
    h.timers[0].fn();
    await flush();
    expect(h.calls[1].headers['Last-Event-ID']).toBe('2');
    expect(got).toEqual(['1:started', '2:progress', '3:completed']);
    expect(opens).toEqual([true, false]);
    expect(h.timers).toHaveLength(1); // terminal event: no further reconnect
  });

  it('sends the stored id on the first connection and reports a full replay on "earliest"', async () => {
    const h = harness([
      { headers: { 'Last-Event-ID': 'earliest' }, chunks: ['id: 1\nevent: queued\ndata: {}\n\nid: 2\nevent: cancelled\ndata: {}\n\n'] },
    ]);
    const opens: boolean[] = [];
    connectSse({
      url: '/e',
      lastEventId: '40',
      onMessage: () => {},
      onOpen: (o) => opens.push(o.fullReplay),
      isTerminal: terminal,
      fetch: h.fetchFn,
      setTimeout: h.setTimeout,
      clearTimeout: h.clearTimeout,
    });
    await flush();
    expect(h.calls[0].headers['Last-Event-ID']).toBe('40');
    expect(opens).toEqual([true]);
    expect(h.timers).toHaveLength(0);
  });

  it('backs off exponentially on network errors and resets after success', async () => {
    const h = harness([
      { error: true },
      { error: true },
      { status: 503 },
      { chunks: ['id: 5\nevent: progress\ndata: {}\n\n'] },
      { error: true },
    ]);
    connectSse({
      url: '/e',
      retryMs: 1000,
      maxRetryMs: 3000,
      onMessage: () => {},
      fetch: h.fetchFn,
      setTimeout: h.setTimeout,
      clearTimeout: h.clearTimeout,
    });
    for (let i = 0; i < 4; i++) {
      await flush();
      h.timers[i].fn();
    }
    await flush();
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000, 3000, 1000, 2000]);
    expect(h.calls[4].headers['Last-Event-ID']).toBe('5');
  });

  it('stops on a 404 and reports it', async () => {
    const h = harness([{ status: 404 }]);
    const fatal: number[] = [];
    const states: string[] = [];
    connectSse({
      url: '/e',
      onMessage: () => {},
      onFatal: (e) => fatal.push(e.status),
      onState: (s) => states.push(s),
      fetch: h.fetchFn,
      setTimeout: h.setTimeout,
      clearTimeout: h.clearTimeout,
    });
    await flush();
    expect(fatal).toEqual([404]);
    expect(h.timers).toHaveLength(0);
    expect(states.at(-1)).toBe('closed');
  });

  it('close() cancels a pending reconnect and the open stream', async () => {
    const h = harness([{ error: true }]);
    const conn = connectSse({ url: '/e', onMessage: () => {}, fetch: h.fetchFn, setTimeout: h.setTimeout, clearTimeout: h.clearTimeout });
    await flush();
    conn.close();
    expect(h.timers[0].cleared).toBe(true);

    const h2 = harness([{ hang: true, chunks: ['id: 1\nevent: started\ndata: {}\n\n'] }]);
    const got: string[] = [];
    const conn2 = connectSse({
      url: '/e',
      onMessage: (m) => got.push(m.event),
      fetch: h2.fetchFn,
      setTimeout: h2.setTimeout,
      clearTimeout: h2.clearTimeout,
    });
    await flush();
    expect(got).toEqual(['started']);
    conn2.close();
    await flush();
    expect(h2.timers).toHaveLength(0);
    expect(conn2.lastEventId()).toBe('1');
  });
});

describe('connectSse on streams that end at once', () => {
  it('backs off when the server accepts and closes without an event (a finished job asked for what follows its end)', async () => {
    const h = harness([{ chunks: [] }, { chunks: [] }, { chunks: [] }]);
    connectSse({
      url: '/e',
      lastEventId: '900',
      retryMs: 1000,
      maxRetryMs: 30_000,
      onMessage: () => {},
      isTerminal: terminal,
      fetch: h.fetchFn,
      setTimeout: h.setTimeout,
      clearTimeout: h.clearTimeout,
    });
    for (let i = 0; i < 3; i++) {
      await flush();
      h.timers[i].fn();
    }
    await flush();
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000, 4000, 8000]);
  });
});
