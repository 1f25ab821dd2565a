import { test, expect } from './fixtures';

// Runs as the demo admin: the Reference page links to the API reference, which shows every
// /api/v1 operation from the OpenAPI document the server serves.
test('the API reference shows every operation of the OpenAPI document', async ({ page, request }) => {
  await page.goto('/reference');
  await page.waitForSelector('body[data-hydrated]');
  await page.getByTestId('api-reference-link').click();
  await expect(page).toHaveURL(/\/reference\/api$/);
  const ops = page.getByTestId('api-operation');
  await expect(ops).toHaveCount(5);
  const list = page.locator('section#get--api-v1-logs');
  await expect(list).toContainText('List log rows');
  for (const param of ['request_id', 'status', 'cursor', 'tz']) {
    await expect(list.locator('td', { hasText: new RegExp(`^${param}`) }).first()).toBeVisible();
  }
  await expect(page.locator('section#post--api-v1-logs')).toContainText('IngestAnswer');

  const href = await page.getByTestId('openapi-link').getAttribute('href');
  const doc = await (await request.get(href!)).json();
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`));
  expect(documented).toHaveLength(5);
  for (const op of documented) {
    await expect(page.locator('[data-testid=api-operation] h2', { hasText: op.split(' ')[1] }).first()).toBeVisible();
  }
});
