import { test, expect } from './fixtures';

const DARK_BG = 'oklch(0.129 0.042 264.695)'; // slate-950

async function bodyBackground(page: import('@playwright/test').Page) {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

test.describe('as a relay user', () => {
// A user of their own: the pick is saved on the account, which other tests' admin must not see.
test.use({ storageState: '.auth/grace.json' });

test('the colour theme follows the system until the user picks one, stays picked, and follows the account', async ({ page, browser }) => {
  // A retry starts from where a failed try may have left the account's theme.
  const reset = await page.request.post('/prefs/theme', { form: { theme: 'system' }, maxRedirects: 0 });
  expect(reset.status()).toBe(303);
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

  // Another browser signed in to the same account (no theme cookie there) gets the dark theme,
  // and its switch shows it picked after hydration too.
  const other = await browser.newContext({ storageState: '.auth/grace.json', colorScheme: 'light' });
  const elsewhere = await other.newPage();
  await elsewhere.goto('/logs');
  await expect(elsewhere.locator('html')).toHaveClass(/dark/);
  await elsewhere.waitForSelector('body[data-hydrated]');
  await expect(elsewhere.locator('form[action="/prefs/theme"] button[value="dark"]')).toHaveAttribute('aria-pressed', 'true');
  await other.close();

  await page.locator('form[action="/prefs/theme"] button[value="system"]').click();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});
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
