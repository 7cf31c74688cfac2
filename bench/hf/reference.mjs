// The reference's speed on the benchmark text: Hugging Face's Rust
// tokenizers (@anush008/tokenizers@0.6.0), fed its fastest way —
// encodeBatch over paragraphs, addSpecialTokens=false — single-threaded
// (RAYON_NUM_THREADS=1, set by bench/hf/run). Prints one JSON line.
// Usage: node reference.mjs <tokenizer.json> <text file>
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../tests/parity/package.json", import.meta.url));
const { Tokenizer } = require("@anush008/tokenizers");
const [file, textFile] = process.argv.slice(2);
const text = fs.readFileSync(textFile, "utf8");
const paragraphs = text.split("\n\n");
const tok = Tokenizer.fromFile(file);
const bytes = Buffer.byteLength(text, "utf8");
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let tokens = 0;
const batch = 2000;
for (let i = 0; i < paragraphs.length; i += batch) {
  const encs = await tok.encodeBatch(paragraphs.slice(i, i + batch), { addSpecialTokens: false });
  for (const e of encs) tokens += e.getLength();
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
const cs = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ bytes, tokens, seconds: s, mb_per_s: bytes / s / 1e6, mb_per_cpu_s: bytes / cs / 1e6 }));
