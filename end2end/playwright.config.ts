import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

const port = Number(process.env.E2E_PORT ?? 3107);
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'errscope-e2e-'));
// A fresh database per run: SQLite by default, or E2E_DATABASE_URL (scripts/test points it
// at a new PostgreSQL database for the second pass).
const databaseUrl = process.env.E2E_DATABASE_URL ?? `sqlite://${dbDir}/e2e.db`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  workers: 2,
  // One retry for a timing hiccup on a loaded 2-core machine; a retried test is reported as
  // flaky, and every test must pass when run again (it resets what it changes first).
  retries: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'chromium',
      dependencies: ['setup'],
      use: { storageState: '.auth/admin.json' },
    },
  ],
  webServer: {
    command: `target/release/errscope serve --addr 127.0.0.1:${port} --demo true --demo-rows 20000 ` +
      `--database-url ${databaseUrl} --alert-allow-loopback true`,
    cwd: '..',
    env: { LEPTOS_SITE_ROOT: 'target/site', ERRSCOPE_LOG: 'warn' },
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
