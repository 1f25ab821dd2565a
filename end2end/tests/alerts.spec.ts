import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { test, expect, Browser } from './fixtures';

// Runs as the demo admin. The server allows loopback webhooks (playwright.config.ts), so a
// receiver in this process stands in for a Slack or Feishu robot.
async function receiver() {
  const got: { body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":0,"msg":"success"}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return { got, url: `http://127.0.0.1:${port}/hook`, close: () => server.close() };
}

test('an admin sets up a Feishu alert from the page, sends a test, and sees it in the delivery log', async ({ page }) => {
  const rx = await receiver();
  await page.goto('/admin/alerts');
  await page.waitForSelector('body[data-hydrated]');
  // A webhook at a cloud metadata address is refused with the reason.
  await page.fill('input[name=name]', 'e2e feishu');
  await page.fill('input[name=webhook]', 'http://169.254.169.254/latest/meta-data/');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('alerts-error')).toContainText('cloud metadata address');

  await page.fill('input[name=webhook]', rx.url);
  await page.selectOption('select[name=format]', 'feishu');
  await page.fill('input[name=secret]', 'robot-signing-secret');
  await page.selectOption('select[name=lang]', 'zh');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('alerts-added')).toContainText('e2e feishu');
  const rule = page.locator('li[data-rule="e2e feishu"]');
  await expect(rule).toContainText('Feishu / Lark');
  // The robot's URL is shown by host only; the secret never.
  await expect(rule).toContainText('http://127.0.0.1/…');
  await expect(page.locator('body')).not.toContainText('robot-signing-secret');

  await rule.getByRole('button', { name: 'Send test e2e feishu' }).click();
  await expect(page.getByTestId('alert-test-ok')).toContainText('HTTP 200');
  expect(rx.got).toHaveLength(1);
  const body = JSON.parse(rx.got[0].body);
  expect(body.msg_type).toBe('text');
  expect(body.content.text).toContain('测试消息');
  expect(body.sign).toBeTruthy();
  const row = page.getByTestId('alert-deliveries').locator('tr[data-delivery]').first();
  await expect(row.locator('[data-state]')).toHaveAttribute('data-state', 'sent');
  await expect(row.locator('[data-event]')).toHaveAttribute('data-event', 'test');

  await rule.getByRole('button', { name: 'Remove e2e feishu' }).click();
  await expect(page.locator('li[data-rule="e2e feishu"]')).toHaveCount(0);
  rx.close();
});

async function as(browser: Browser, role: 'support' | 'grace') {
  const context = await browser.newContext({ storageState: `.auth/${role}.json` });
  return { context, page: await context.newPage() };
}

test('channel health names the failing channel and opens exactly its rows; only admins see channels', async ({ page, browser }) => {
  await page.goto('/health?window=24h');
  await page.getByTestId('channels-link').click();
  await expect(page).toHaveURL(/\/health\/channels\?window=24h/);
  const callout = page.getByTestId('callout').filter({ hasText: /Channel azure-east fails 100% of gpt-4o requests in group enterprise/ });
  await expect(callout).toHaveCount(1);
  const count = Number(await callout.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(120);
  const card = page.locator('article[data-channel="azure-east"]');
  await expect(card).toContainText('enterprise');
  // A channel's latency: the rows it timed are one click away, exactly those.
  const timed = page.locator('article[data-channel]').getByTestId('latency-rows').first();
  const timedCount = Number(await timed.getAttribute('data-count'));
  const timedHref = (await timed.getAttribute('href'))!;
  expect(timedCount).toBeGreaterThan(0);
  await callout.click();
  await expect(page).toHaveURL(/\/logs\?.*channel=azure-east.*group=enterprise.*model=gpt-4o/);
  await expect(page.locator('#f-channel')).toHaveValue('azure-east');
  const shown = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
  expect(shown).toBe(count);
  await page.goto(timedHref);
  await expect(page).toHaveURL(/slower=1/);
  expect(parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''))).toBe(timedCount);

  for (const role of ['support', 'grace'] as const) {
    const { context, page: other } = await as(browser, role);
    await other.goto('/health?window=24h');
    await expect(other.getByTestId('channels-link')).toHaveCount(0);
    await other.goto('/health/channels?window=24h');
    await expect(other.getByRole('alert')).toContainText('your role may not do this');
    await other.goto('/logs?channel=azure-east');
    await expect(other.getByTestId('logs-table')).toHaveCount(0);
    await expect(other.locator('#f-channel')).toHaveCount(0);
    await context.close();
  }
});
