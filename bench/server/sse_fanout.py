#!/usr/bin/env python3
"""SSE fan-out benchmark client: N subscribers on one job's event stream.

Every `progress` event carries `ts`, the server's creation time (Unix ms).
The delay of an event for a subscriber is its arrival time minus `ts`
(same machine, same clock). Reports the p50/p99/max delay over all
(subscriber, event) pairs and the server's RSS before and at the end.
Standard library only (asyncio), so it runs anywhere Python 3 does.
"""
import argparse
import asyncio
import json
import re
import resource
import time

TS = re.compile(rb'"ts":(\d+)')


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def subscriber(port, job, delays, counts, ready):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(f"GET /api/jobs/{job}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    ready.append(1)
    n = 0
    pending = b""
    marker = b"event: progress\ndata: "
    try:
        # Big reads and a byte search instead of a line-by-line parse: the
        # client must stay cheaper than the server it measures.
        while True:
            chunk = await reader.read(1 << 16)
            now = time.time() * 1000.0
            if not chunk:
                break
            pending += chunk
            pos = 0
            while True:
                i = pending.find(marker, pos)
                if i < 0:
                    break
                j = pending.find(b"\n", i + len(marker))
                if j < 0:
                    break
                m = TS.search(pending, i + len(marker), j)
                if m:
                    delays.append(now - int(m.group(1)))
                n += 1
                pos = j
            if b"event: completed" in pending or b"event: failed" in pending or b"event: cancelled" in pending:
                break
            pending = pending[max(pos, len(pending) - 4096):]
    finally:
        counts.append(n)
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--job", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--subscribers", type=int, default=1000)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    rss_before = rss_kb(args.pid)
    delays, counts, ready = [], [], []
    tasks = []
    for i in range(args.subscribers):
        tasks.append(asyncio.create_task(subscriber(args.port, args.job, delays, counts, ready)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    peak = rss_before
    while not all(t.done() for t in tasks):
        peak = max(peak, rss_kb(args.pid))
        await asyncio.sleep(0.2)
    await asyncio.gather(*tasks, return_exceptions=True)
    delays.sort()
    def pct(p):
        return delays[min(len(delays) - 1, int(p / 100.0 * len(delays)))] if delays else float("nan")
    print(f"subscribers={args.subscribers} connected={len(ready)} progress_events_per_subscriber="
          f"{min(counts) if counts else 0}..{max(counts) if counts else 0} samples={len(delays)}")
    print(f"delay_ms p50={pct(50):.1f} p99={pct(99):.1f} max={delays[-1] if delays else float('nan'):.1f}")
    print(f"server_rss_kb before={rss_before} peak={peak} growth_mb={(peak - rss_before) / 1024:.1f}")


asyncio.run(main())
