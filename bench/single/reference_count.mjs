// One reference pass for the single-pass benchmark: load one encoder, read
// FILE, count its tokens once, print the count. bench/single/run times
// this whole process, minus the same on an empty file (so Node's start and
// the encoder's load are not counted, as for epubtok).
//
//   node reference_count.mjs LIBRARY ENCODING FILE
//
// LIBRARY and the API each is timed with (its fastest way to count one text):
//   tiktoken       tiktoken@1.0.22 (Rust BPE compiled to WASM): get_encoding(E).encode_ordinary(text).length
//   gpt-tokenizer  gpt-tokenizer@4.0.0 (pure JS): countTokens(text) of gpt-tokenizer/encoding/E
//   anthropic      @anthropic-ai/tokenizer@0.0.4 (NFKC, then tiktoken WASM): countTokens(text); ENCODING is ignored
//   hf             @anush008/tokenizers@0.6.0 (Hugging Face's Rust tokenizers, native):
//                  Tokenizer.fromFile(ENCODING).encode(text, {addSpecialTokens: false}).getLength(),
//                  one thread (run sets RAYON_NUM_THREADS=1)
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../tests/parity/package.json", import.meta.url));
const [library, encoding, file] = process.argv.slice(2);

let count;
if (library === "tiktoken") {
  const { get_encoding } = require("tiktoken");
  const enc = get_encoding(encoding);
  count = (text) => enc.encode_ordinary(text).length;
} else if (library === "gpt-tokenizer") {
  const { countTokens } = require(`gpt-tokenizer/cjs/encoding/${encoding}`);
  count = countTokens;
} else if (library === "anthropic") {
  const { countTokens } = require("@anthropic-ai/tokenizer");
  countTokens("");  // its encoder is built on first use
  count = countTokens;
} else if (library === "hf") {
  const { Tokenizer } = require("@anush008/tokenizers");
  const tok = Tokenizer.fromFile(encoding);
  count = async (text) => (await tok.encode(text, null, { addSpecialTokens: false })).getLength();
} else {
  console.error(`reference_count: unknown library ${library}`);
  process.exit(2);
}
const text = fs.readFileSync(file, "utf8");
console.log(String(await count(text)));
