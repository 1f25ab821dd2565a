import { test, expect } from './fixtures';

test('details show meaning, evidence and scope, and copy the support message', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // The storm's own rows: background 502s in vip (other messages) may be newer.
  await page.goto('/logs?range=24h&group=vip&status=502&q=' + encodeURIComponent('bad response status code 502'));
  const rid = (await page.getByTestId('request-id').first().innerText()).trim();
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('details-request-id')).toHaveText(rid);
  await expect(page.getByTestId('meaning')).toContainText('Upstream service or intermediate network returned an error');
  await expect(page.getByTestId('scope')).toContainText('same failures in group vip');
  await page.waitForSelector('body[data-hydrated]');
  await page.getByTestId('copy-support').click();
  await expect(page.getByTestId('copy-support')).toContainText('Copied');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  for (const needle of ['User ID: ', 'Time range: ', 'Group: vip', 'Model: ', 'Status code: 502',
    'Error content: bad response status code 502', `Request ID: ${rid}`, 'Impact scope: ',
    'Attribution: Upstream issue', 'First action: Retry later']) {
    expect(text).toContain(needle);
  }
  // The copied text is exactly what the details show.
  expect(text.trim()).toBe((await page.getByTestId('support-message').innerText()).trim());

  // How long it has gone on: each count opens exactly the rows it counts.
  const today = page.locator('[data-testid="persisting"] a[data-dimension="group"][data-span="today"]');
  const shown = (await today.innerText()).trim();
  await today.click();
  await expect(page).toHaveURL(/range=custom/);
  await expect(page.getByTestId('result-count')).toBeVisible();
  expect((await page.getByTestId('result-count').innerText()).trim().split(' ')[0]).toBe(shown);
});

test('a lone 502 is not blamed on anyone', async ({ page }) => {
  await page.goto('/logs?status=502&attribution=needs_context&range=30d');
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('evidence')).toContainText(/no one is blamed yet|too few to tell|the cause is shared|compare the groups/);
  await expect(page.getByTestId('evidence')).not.toContainText('(s)');
});

test('an unknown id is a plain not-found page', async ({ page }) => {
  await page.goto('/logs/999999999');
  await expect(page.getByRole('alert')).toContainText('Request not found');
});

test('the reference page lists the seeds and searches them', async ({ page }) => {
  await page.goto('/reference?q=fastapi_error');
  await expect(page.locator('[data-testid="reference-table"] tbody tr')).toHaveCount(8);
  await page.goto('/reference?q=' + encodeURIComponent('额度'));
  expect(await page.locator('[data-testid="reference-table"] tbody tr').count()).toBeGreaterThan(5);
});

test('the explanation and the support message in Chinese, from the switch or the browser language', async ({ page, browser }) => {
  await page.goto('/logs?range=24h&token=ci-bot-old&status=401');
  const rid = (await page.getByTestId('request-id').first().innerText()).trim();
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('details-request-id')).toHaveText(rid);
  const han = /[\u4e00-\u9fff]/;
  await expect(page.getByTestId('meaning')).not.toHaveText(han);
  const content = (await page.getByTestId('details-content').innerText()).trim();

  await page.locator('a[data-lang="zh"]').click();
  await expect(page).toHaveURL(/lang=zh/);
  await expect(page.getByTestId('meaning')).toHaveText(han);
  await expect(page.getByTestId('first-action')).toHaveText(han);
  const message = await page.getByTestId('support-message').innerText();
  expect(message).toContain('用户 ID: ');
  expect(message).toContain(`请求 ID: ${rid}`);
  // The raw error content is quoted as it is, in any language.
  expect(message).toContain(content);

  const zh = await browser.newContext({ storageState: '.auth/admin.json', locale: 'zh-CN' });
  const zhPage = await zh.newPage();
  const url = new URL(page.url());
  url.searchParams.delete('lang');
  await zhPage.goto(url.toString());
  await expect(zhPage.getByTestId('meaning')).toHaveText(han);
  await zh.close();
});
