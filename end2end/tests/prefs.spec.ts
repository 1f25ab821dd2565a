import { test, expect } from './fixtures';

const DARK_BG = 'oklch(0.129 0.042 264.695)'; // slate-950

async function bodyBackground(page: import('@playwright/test').Page) {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

test('the colour theme follows the system until the user picks one, and stays picked', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/logs?status=502');
  await expect(page.locator('html')).toHaveClass(/dark/);
  expect(await bodyBackground(page)).toBe(DARK_BG);
  await expect(page.locator('form[action="/prefs/theme"] button[value="system"]')).toHaveAttribute('aria-pressed', 'true');

  await page.locator('form[action="/prefs/theme"] button[value="light"]').click();
  await expect(page).toHaveURL(/\/logs\?status=502$/);
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  expect(await bodyBackground(page)).not.toBe(DARK_BG);
  await expect(page.locator('form[action="/prefs/theme"] button[value="light"]')).toHaveAttribute('aria-pressed', 'true');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('form[action="/prefs/theme"] button[value="dark"]').click();
  // The pick's own round trip ends before the next page is asked for.
  await expect(page.locator('form[action="/prefs/theme"] button[value="dark"]')).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/health');
  await expect(page.locator('html')).toHaveClass(/dark/);
  expect(await bodyBackground(page)).toBe(DARK_BG);

  await page.locator('form[action="/prefs/theme"] button[value="system"]').click();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});

test.describe('in Tokyo', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('the browser tells the server its time zone on the first visit', async ({ page }) => {
    await page.goto('/logs');
    await page.waitForSelector('body[data-hydrated]');
    await page.reload();
    await expect(page.getByText('Times in Asia/Tokyo (UTC+09:00).')).toBeVisible();
  });
});
