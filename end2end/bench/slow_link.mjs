// How long Usage Logs takes to become interactive over a slow link: a benchmark, not a test.
//
//   node end2end/bench/slow_link.mjs            (after `cargo leptos build --release --precompress`)
//
// Starts the release server on demo data (a fresh SQLite file), signs in as the demo user
// `grace`, then opens /logs in Chromium with 150 ms of latency, 1.6 Mbit/s down, 750 kbit/s up
// and the CPU slowed 4x: first with an empty cache, then again with what the first visit
// kept. Prints, for each, the median over RUNS visits of the first contentful paint and of the
// moment the page's `data-hydrated` marker appears (its interactive parts work), with the
// bytes the page downloaded and the wasm's share.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.RUNS ?? 3);
const PORT = Number(process.env.PORT ?? 3127);
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const LINK = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errscope-slow-link-'));
  const server = spawn(path.join(ROOT, 'target/release/errscope'), [
    'serve', '--addr', `127.0.0.1:${PORT}`, '--demo', 'true', '--demo-rows', '20000',
    '--database-url', `sqlite://${dir}/bench.db`,
  ], { cwd: ROOT, env: { ...process.env, LEPTOS_SITE_ROOT: 'target/site', ERRSCOPE_LOG: 'warn' }, stdio: 'inherit' });
  return server;
}

async function waitForHealth() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not answer /healthz within 60 s');
}

// Records when <body> gets data-hydrated, in the page's own clock.
const MARK_HYDRATED = () => {
  const seen = () => {
    if (document.body?.hasAttribute('data-hydrated') && window.__hydratedAt === undefined) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function visit(context, cold) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', LINK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const urls = new Map();
  let bytes = 0;
  let wasmBytes = 0;
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    if ((urls.get(e.requestId) ?? '').endsWith('.wasm')) wasmBytes += e.encodedDataLength;
  });
  await page.goto(`${BASE}/logs`, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated]', { timeout: 120_000 });
  const timing = await page.evaluate(() => ({
    hydrated: window.__hydratedAt,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  await page.close();
  return { ...timing, bytes, wasmBytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = startServer();
try {
  await waitForHealth();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic'],
  });
  const results = { cold: [], repeat: [] };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    await context.addInitScript(MARK_HYDRATED);
    const signIn = await context.newPage();
    await signIn.goto(`${BASE}/login`);
    await signIn.fill('input[name=username]', 'grace');
    await signIn.fill('input[name=password]', 'errscope-grace');
    await signIn.click('form[action="/login"] button[type=submit]');
    await signIn.waitForURL(/\/logs/);
    await signIn.close();
    results.cold.push(await visit(context, true));
    results.repeat.push(await visit(context, false));
    await context.close();
  }
  await browser.close();
  console.log(`\n/logs as grace, 150 ms latency, 1.6 Mbit/s down, CPU 4x slower (median of ${RUNS})\n`);
  console.log('visit     first paint   interactive   downloaded   of it wasm');
  for (const [name, rs] of Object.entries(results)) {
    const ms = (k) => `${Math.round(median(rs.map((r) => r[k])))} ms`.padStart(11);
    const kb = (k) => `${Math.round(median(rs.map((r) => r[k])) / 1024)} KB`.padStart(10);
    console.log(`${name.padEnd(8)} ${ms('fcp')}   ${ms('hydrated')}   ${kb('bytes')}   ${kb('wasmBytes')}`);
  }
} finally {
  server.kill('SIGTERM');
}
