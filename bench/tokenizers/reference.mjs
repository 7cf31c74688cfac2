// Measures the npm reference tokenizers on the benchmark texts and prints
// the side-by-side table with epubtok's figures.
//
//   node reference.mjs TEXT_DIR OURS.jsonl
//
// OURS.jsonl is bench_tokenizers' output ("epubtok MB/s" is CPU time, "wall"
// wall-clock time, best repetition of each). References, all single-threaded
// in this Node process, timed by process.cpuUsage() (CPU time, like the C++
// side; the machine may be shared):
//   tiktoken@1.0.22        new Tiktoken(<encoder json>).encode(text).length
//   gpt-tokenizer@4.0.0    countTokens(text)
//   @anthropic-ai/tokenizer@0.0.4 countTokens(text)   (claude; NFKC + tiktoken)
// Both references merge long pieces in quadratic time, so on the
// pathological texts they run on a 50 KB prefix (marked "*"). On prose they
// run on the first 4 MB (their speed does not depend on length, and the
// full texts would take minutes of CPU per reference).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tests/parity/package.json"));
const { Tiktoken } = require("tiktoken/lite");
const anthropic = require("@anthropic-ai/tokenizer");

const [textDir, oursPath] = process.argv.slice(2);
const ours = fs.readFileSync(oursPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

const kPrefixOnly = new Set(["no-spaces-10MB", "cjk-word-1MB", "digits-10MB"]);
const kPrefixBytes = 50_000;  // code units; these texts are ASCII or measured by their UTF-8 length below
const kProseChars = 4_000_000;

function cpuSeconds(fn) {
  const t0 = process.cpuUsage();
  const result = fn();
  const d = process.cpuUsage(t0);
  return [(d.user + d.system) / 1e6, result];
}

const tiktokens = new Map();
function tiktokenFor(id) {
  if (!tiktokens.has(id)) {
    const spec = require(`tiktoken/encoders/${id}.json`);
    tiktokens.set(id, new Tiktoken(spec.bpe_ranks, spec.special_tokens, spec.pat_str));
  }
  return tiktokens.get(id);
}
function gptTokenizerFor(id) {
  return id === "claude" ? null : require(`gpt-tokenizer/cjs/encoding/${id}`);
}

const rows = [];
for (const o of ours) {
  let text = fs.readFileSync(path.join(textDir, `${o.text}.txt`), "utf8");
  const prefix = kPrefixOnly.has(o.text);
  if (prefix) text = text.slice(0, kPrefixBytes);
  else if (text.length > kProseChars) text = text.slice(0, kProseChars);
  const bytes = Buffer.byteLength(text, "utf8");
  let tiktokenMBs = NaN, gptMBs = NaN;
  if (o.tokenizer === "claude") {
    const [s] = cpuSeconds(() => anthropic.countTokens(text));
    tiktokenMBs = bytes / s / 1e6;
  } else {
    const enc = tiktokenFor(o.tokenizer);
    const [s] = cpuSeconds(() => enc.encode(text, [], []).length);
    tiktokenMBs = bytes / s / 1e6;
    const gpt = gptTokenizerFor(o.tokenizer);
    const [s2] = cpuSeconds(() => gpt.countTokens(text));
    gptMBs = bytes / s2 / 1e6;
  }
  rows.push({ ...o, prefix, tiktokenMBs, gptMBs });
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2) : "-");
const header = ["tokenizer", "text", "epubtok MB/s", "epubtok MB/s wall", "tiktoken MB/s", "gpt-tokenizer MB/s", "x tiktoken", "x gpt-tokenizer"];
console.log("| " + header.join(" | ") + " |");
console.log("|" + header.map(() => "---").join("|") + "|");
for (const r of rows) {
  const star = r.prefix ? "*" : "";
  console.log(
    `| ${r.tokenizer} | ${r.text} | ${fmt(r.mb_s)} | ${fmt(r.mb_s_wall)} | ${fmt(r.tiktokenMBs)}${star} | ${fmt(r.gptMBs)}${Number.isFinite(r.gptMBs) ? star : ""} | ` +
      `${fmt(r.mb_s / r.tiktokenMBs)} | ${fmt(r.mb_s / r.gptMBs)} |`,
  );
}
console.log(`\n(*) reference measured on the first ${kPrefixBytes / 1000}k characters only: its merge is quadratic on one long piece.`);
console.log(`References run on at most the first ${kProseChars / 1e6}M characters of the prose texts; epubtok on all of each text.`);
console.log("claude's reference is @anthropic-ai/tokenizer countTokens (tiktoken column); gpt-tokenizer has no claude.");
console.log("Ratios use CPU time on both sides.");
