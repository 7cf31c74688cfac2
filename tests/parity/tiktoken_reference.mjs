// Reference encoder for parity_test: reads JSONL cases {"tokenizer", "text"}
// from argv[2] and writes one JSON array of token ids per line to argv[3],
// using the pinned npm packages exactly as their users do:
//   OpenAI encodings: tiktoken@1.0.22, encode_ordinary(text) with the
//     package's own encoders/<id>.json (special-token look-alikes are text);
//   claude: @anthropic-ai/tokenizer@0.0.4, whose countTokens(text) is
//     getTokenizer().encode(text.normalize('NFKC'), 'all').length.
// For claude, the first cases are also checked against countTokens itself,
// so a change in that package's recipe fails loudly.
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Tiktoken } = require("tiktoken/lite");
const claude = require("@anthropic-ai/tokenizer");

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node tiktoken_reference.mjs <cases.jsonl> <ids.jsonl>");
  process.exit(2);
}

const encoders = new Map();
function encoderFor(id) {
  if (!encoders.has(id)) {
    if (id === "claude") {
      encoders.set(id, claude.getTokenizer());
    } else {
      const spec = require(`tiktoken/encoders/${id}.json`);
      encoders.set(id, new Tiktoken(spec.bpe_ranks, spec.special_tokens, spec.pat_str));
    }
  }
  return encoders.get(id);
}

const lines = fs.readFileSync(input, "utf8").split("\n").filter((l) => l.length > 0);
const out = [];
let claudeChecked = 0;
for (const line of lines) {
  const { tokenizer, text } = JSON.parse(line);
  const enc = encoderFor(tokenizer);
  let ids;
  if (tokenizer === "claude") {
    ids = enc.encode(text.normalize("NFKC"), "all");
    if (claudeChecked < 20) {
      const n = claude.countTokens(text);
      if (n !== ids.length) throw new Error(`countTokens ${n} != ${ids.length} for ${JSON.stringify(text)}`);
      ++claudeChecked;
    }
  } else {
    ids = enc.encode_ordinary(text);
  }
  out.push(JSON.stringify(Array.from(ids)));
}
fs.writeFileSync(output, out.join("\n") + "\n");
