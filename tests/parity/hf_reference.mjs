// Reference encoder for hf_parity_test: Hugging Face's Rust `tokenizers`
// (the pinned native npm build @anush008/tokenizers@0.6.0).
//
// Usage: node hf_reference.mjs <cases.jsonl> <ids.jsonl>
// Each input line is {"tokenizer": "/path/to/tokenizer.json", "text": "…"};
// each output line is the JSON array of ids that
// Tokenizer.fromFile(path).encode(text, null, {addSpecialTokens: false})
// returns, or {"error": "…"} when the reference refuses the input.
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Tokenizer } = require("@anush008/tokenizers");

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node hf_reference.mjs <cases.jsonl> <ids.jsonl>");
  process.exit(2);
}

const tokenizers = new Map();
function load(path) {
  if (!tokenizers.has(path)) tokenizers.set(path, Tokenizer.fromFile(path));
  return tokenizers.get(path);
}

const lines = fs.readFileSync(input, "utf8").split("\n").filter((l) => l.length > 0);
const out = [];
for (const line of lines) {
  const { tokenizer, text } = JSON.parse(line);
  try {
    const enc = await load(tokenizer).encode(text, null, { addSpecialTokens: false });
    out.push(JSON.stringify(enc.getIds()));
  } catch (e) {
    out.push(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  }
}
fs.writeFileSync(output, out.join("\n") + "\n");
