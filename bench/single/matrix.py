#!/usr/bin/env python3
"""Condenses single_pass.py's JSON lines into one Markdown matrix: a row per
text, a column per tokenizer, each cell "epubtok MB/s / x fastest reference",
in bold where a target of issue 16 is missed (see single_pass.targets), then
the start-up row. With --cpu, the figures from CPU time instead of wall time
(steadier on a shared machine; the targets are for wall time).
Usage: matrix.py [--cpu] SINGLE.jsonl"""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from single_pass import targets, fmt  # noqa: E402

cpu = "--cpu" in sys.argv[1:]
path = [a for a in sys.argv[1:] if a != "--cpu"][0]
ours_key, ref_key = ("epubtok_cpu_mbs", "cpu_mbs") if cpu else ("epubtok_mbs", "mbs")
rows = [json.loads(l) for l in open(path) if l.strip()]
cells = [r for r in rows if "text" in r]
startup = [r for r in rows if "startup" in r]
texts = list(dict.fromkeys(r["text"] for r in cells))
toks = list(dict.fromkeys(r["tokenizer"] for r in cells))
by = {(r["text"], r["tokenizer"]): r for r in cells}
short = {"cl100k_base": "cl100k", "o200k_base": "o200k", "p50k_base": "p50k", "r50k_base": "r50k"}
print("| text (MB) | " + " | ".join(short.get(t, t) for t in toks) + " |")
print("|---|" + "---:|" * len(toks))
for x in texts:
    out = []
    for t in toks:
        r = by.get((x, t))
        if not r:
            out.append("")
            continue
        fastest = max((v[ref_key] for v in r["refs"].values()), default=None)
        ratio = r[ours_key] / fastest if fastest else None
        mbs_t, ratio_t, gpt_t = targets(x, t)
        miss_mbs = mbs_t is not None and r[ours_key] < mbs_t
        miss_ratio = ratio_t is not None and ratio is not None and ratio < ratio_t
        if gpt_t is not None and "gpt-tokenizer" in r["refs"]:
            miss_ratio |= r[ours_key] / r["refs"]["gpt-tokenizer"][ref_key] < gpt_t
        a = fmt(r[ours_key])
        b = (fmt(ratio) + "x") if ratio else "-"
        out.append(("**" + a + "**" if miss_mbs else a) + " / " + ("**" + b + "**" if miss_ratio else b))
    size = by[(x, toks[0])]["bytes"] / 1e6 if (x, toks[0]) in by else 0
    print(f"| {x} ({size:.1f}) | " + " | ".join(out) + " |")
if startup:
    s = {r["startup"]: r for r in startup}
    print("| start-up ms (load ms) | " + " | ".join(
        f"{s[t]['empty_s'] * 1000:.0f} ({(s[t]['empty_s'] - s[t]['version_s']) * 1000:.0f})" if t in s else ""
        for t in toks) + " |")
