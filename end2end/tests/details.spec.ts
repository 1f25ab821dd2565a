import { test, expect } from '@playwright/test';

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
});

test('a lone 502 is not blamed on anyone', async ({ page }) => {
  await page.goto('/logs?status=502&attribution=needs_context&range=30d');
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('evidence')).toContainText(/single|Many tokens|several groups|does not single out/);
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
