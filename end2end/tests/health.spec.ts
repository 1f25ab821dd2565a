import { test, expect } from './fixtures';

test('group health names each planted incident and links to exactly its rows', async ({ page }) => {
  await page.goto('/health?window=7d');
  const signals = page.getByTestId('signal');
  await expect(signals.filter({ hasText: /groups failed with 503 “system disk overloaded” at the same time.*platform issue/ })).toHaveCount(1);
  await expect(signals.filter({ hasText: /groups failed with 429 “All credentials for model claude-sonnet-4 are cooling down”.*upstream issue/ })).toHaveCount(1);
  await expect(signals.filter({ hasText: /Only token ci-bot-old fails with 401.*usage issue/ })).toHaveCount(1);
  await expect(signals.filter({ hasText: /Only token carol-upload fails with 413.*usage issue/ })).toHaveCount(1);

  await page.goto('/health?window=24h');
  await page.getByTestId('signal').filter({ hasText: /of the 502s .* in group vip/ }).click();
  await expect(page).toHaveURL(/\/logs\?.*status=502.*group=vip/);
  const count = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
  expect(count).toBeGreaterThanOrEqual(320);
  expect(count).toBeLessThan(340);
  const groups = await page.locator('[data-testid="logs-table"] tbody tr td:nth-child(4)').allInnerTexts();
  expect(new Set(groups.map((g) => g.trim()))).toEqual(new Set(['vip']));
});

test('every group card links its numbers to the logs', async ({ page }) => {
  await page.goto('/health?window=24h');
  const card = page.locator('article[data-group="vip"]');
  await expect(card).toBeVisible();
  const errors = parseInt(await card.getByTestId('group-errors').innerText());
  await card.getByTestId('group-errors').click();
  await expect(page).toHaveURL(/group=vip/);
  // The logs view counts the same errors (its window is one minute wider at the end).
  const count = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
  expect(count).toBeGreaterThanOrEqual(errors);
  expect(count).toBeLessThanOrEqual(errors + 5);
});
