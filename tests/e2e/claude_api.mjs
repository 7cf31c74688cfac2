#!/usr/bin/env node
// End-to-end flow of the claude-api:* tokenizers in a real browser: Debian's
// chromium driven by playwright-core, against the real `epubtok serve` whose
// ANTHROPIC_BASE_URL points at fake-anthropic-server on 127.0.0.1 (never the
// real service). Picking a claude-api tokenizer shows its API badge and the
// "text leaves this machine" notice; the count finishes; the Results table
// labels the column; the Cost tab prices Claude from the claude-api counts,
// and with the legacy tokenizer alone shows the rough-guide warning.
//
//   node tests/e2e/claude_api.mjs --epubtok build/epubtok --make-library build/make-sample-library \
//        --fake-anthropic build/fake-anthropic-server [--web-out DIR] [--artifacts DIR]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'web/package.json'));
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const artifacts = path.resolve(args.artifacts ?? path.join(root, 'build/e2e-artifacts'));
fs.mkdirSync(artifacts, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'epubtok-e2e-claude-api-'));
const TIMEOUT = 60_000;
const MODEL = 'claude-api:claude-sonnet-4-5';

const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Starts `cmd`, waits for its "listening on URL" first line; returns the URL and its stderr so far.
async function startListening(cmd, argv, env) {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  const out = { stderr: '' };
  child.stderr.on('data', (d) => (out.stderr += d));
  const first = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    const t = setTimeout(() => reject(new Error(`${cmd} did not start in 20 s: ${out.stderr}`)), 20_000);
    rl.once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${cmd} exited (${code}): ${out.stderr}`));
    });
  });
  const m = /^listening on (http:\/\/\S+)$/.exec(first);
  check(m, `unexpected first line from ${cmd}: ${JSON.stringify(first)}`);
  out.url = m[1].replace(/\/$/, '');
  return out;
}

async function waitUntil(fn, what, ms = TIMEOUT) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const lib = path.join(tmp, 'library');
  const made = spawnSync(args['make-library'], [lib], { encoding: 'utf8' });
  check(made.status === 0, `make-sample-library failed: ${made.stderr}`);
  const webOut = path.resolve(args['web-out'] ?? path.join(path.dirname(path.resolve(args.epubtok)), 'web'));
  const built = spawnSync(path.join(root, 'scripts/build-web'), [webOut], { encoding: 'utf8' });
  check(built.status === 0, `build-web failed: ${built.stdout}${built.stderr}`);

  const fake = await startListening(args['fake-anthropic'], []);
  const server = await startListening(
    args.epubtok,
    ['serve', '--port', '0', '--library', lib, '--data-dir', path.join(tmp, 'data'), '--web-root', webOut],
    { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test-key', XDG_CACHE_HOME: path.join(tmp, 'cache') },
  );
  await waitUntil(() => server.stderr.includes('send their books'), 'the server to say that text is sent to Anthropic', 5000);
  check(server.stderr.includes(fake.url), `the server's notice does not name ${fake.url}: ${server.stderr}`);

  const browser = await chromium.launch({
    executablePath: args.chromium ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
    page.on('console', (m) => m.type() === 'error' && errors.push(`console.error: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(server.url + '/');

    // The picker: the API tokenizer carries its badge; picking it shows the notice.
    const group = page.getByRole('group', { name: 'Tokenizers' });
    await group.getByRole('checkbox').first().waitFor();
    for (const box of await group.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    const notice = page.getByRole('note', { name: 'Text leaves this machine' });
    check((await notice.count()) === 0, 'the notice shows before an API tokenizer is picked');
    const item = group.locator('label.tok-item').filter({ has: page.getByRole('checkbox', { name: MODEL, exact: true }) });
    await item.locator('.badge.api', { hasText: 'API' }).waitFor();
    await group.getByRole('checkbox', { name: MODEL, exact: true }).check();
    await group.getByRole('checkbox', { name: 'claude', exact: true }).check();
    await notice.waitFor();
    check((await notice.innerText()).includes('Anthropic'), `notice: ${await notice.innerText()}`);
    await page.screenshot({ path: path.join(artifacts, 'claude-api-setup.png'), fullPage: true });

    await page.getByLabel('Library folder', { exact: true }).fill(lib);
    await page.getByRole('button', { name: 'Count tokens' }).click();
    await page.waitForURL(/\/jobs\//);
    const jobId = decodeURIComponent(/\/jobs\/([^/?#]+)/.exec(page.url())?.[1] ?? '');
    let job;
    await waitUntil(
      async () =>
        ['completed', 'failed', 'cancelled'].includes((job = await (await fetch(`${server.url}/api/jobs/${jobId}`)).json()).status),
      'the job to finish',
      300_000,
    );
    check(job.status === 'completed', `job ended ${job.status}: ${JSON.stringify(job.error)}`);
    const ok = job.results.results.filter((b) => b.status === 'ok');
    check(ok.length > 0 && ok.every((b) => b.token_counts[MODEL] > 0), 'books without a claude-api count');
    check(job.results.options.tokenizer_exactness[MODEL].exactness === 'api', 'the results do not record exactness api');

    // The Results column says what its numbers are.
    const header = page.getByRole('columnheader', { name: new RegExp(`^${MODEL}`) });
    await header.waitFor();
    await header.locator('.badge.api').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'claude-api-results.png'), fullPage: true });

    // Cost: Claude Sonnet 4.5 priced from the claude-api counts (API badge, no rough-guide warning).
    await page.getByRole('tab', { name: 'Cost' }).click();
    const costTable = page.getByRole('table', { name: 'Cost estimate' });
    await costTable.waitFor();
    const sonnet = costTable.locator('tr', { hasText: 'Claude Sonnet 4.5' });
    await sonnet.locator('code', { hasText: MODEL }).waitFor();
    await sonnet.locator('.badge.api').waitFor();
    const total = ok.reduce((s, b) => s + b.token_counts[MODEL], 0);
    check((await sonnet.innerText()).includes(total.toLocaleString('en-US')), `the Sonnet row does not show ${total} tokens`);
    // Opus 4.1 was not counted through the API: it falls back to the legacy count, under the warning.
    await page.getByRole('note', { name: 'Rough guide' }).waitFor();
    const opus = costTable.locator('tr', { hasText: 'Claude Opus 4.1' });
    await opus.locator('.badge.warn', { hasText: 'rough guide' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'claude-api-cost.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  check(errors.length === 0, errors.join('\n'));
  console.log('claude-api e2e: ok');
}

main().then(
  () => process.exit(0), // the exit handler stops the server and the fake
  (e) => {
    console.error(e.stack ?? String(e));
    process.exit(1);
  },
);
