// compare_results.mjs A B: exits 0 when two results folders hold the same
// results.json, results.md, results.csv and errors.log, ignoring only what
// may differ between a single `count` and a `merge` of its shards: the
// generation time, each book's processing_ms and the recorded worker count
// (options.jobs). Prints the first difference otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: compare_results.mjs DIR_A DIR_B');
  process.exit(2);
}

function normalisedJson(dir) {
  const doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  doc.generated_at = '<time>';
  doc.options.jobs = 0;
  for (const row of doc.results) row.processing_ms = 0;
  return JSON.stringify(doc, null, 1);
}

const timestamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;
const normalisers = {
  'results.md': (text) => text.replace(timestamp, '<time>'),
  // processing_ms is the last column of every row.
  'results.csv': (text) => text.replace(/,\d+\r\n/g, ',0\r\n'),
  'errors.log': (text) => text.replace(timestamp, '<time>'),
};

let failed = false;
function check(name, left, right) {
  if (left === right) return;
  failed = true;
  let i = 0;
  while (i < left.length && left[i] === right[i]) i++;
  console.error(`${name} differs at character ${i}:\n  ${a}: ${JSON.stringify(left.slice(i, i + 120))}\n  ${b}: ${JSON.stringify(right.slice(i, i + 120))}`);
}

check('results.json', normalisedJson(a), normalisedJson(b));
for (const [name, normalise] of Object.entries(normalisers)) {
  check(name, normalise(readFileSync(join(a, name), 'utf8')), normalise(readFileSync(join(b, name), 'utf8')));
}
if (failed) process.exit(1);
console.log(`same results: ${a} and ${b}`);
