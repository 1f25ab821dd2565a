import { test, expect } from './fixtures';

// Runs as the demo admin. Ten years of retention removes none of the demo rows, so the other
// tests keep their data; the field is emptied again at the end (keep forever).
test('an admin sets retention, is told about bad input, and purges on request', async ({ page }) => {
  await page.goto('/admin/retention');
  // Forms post in place once the page's script has loaded (before, they post the ordinary way).
  await page.waitForSelector('body[data-hydrated]');
  const consume = page.locator('form[data-retention="consume"]');
  await consume.locator('input[name=days]').fill('0');
  await consume.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('retention-error')).toContainText('whole number of days from 1 to 3650');

  await consume.locator('input[name=days]').fill('3650');
  await consume.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await page.waitForSelector('body[data-hydrated]');
  await expect(page.locator('form[data-retention="consume"] input[name=days]')).toHaveValue('3650');

  await page.getByRole('button', { name: 'Purge now' }).click();
  await expect(page.getByTestId('purged')).toHaveText('Rows purged: 0');
  await expect(page.locator('[data-testid="purges"] tbody tr').first()).toContainText('consume');
  await expect(page.locator('[data-testid="purges"] tbody tr').first()).toContainText('3650 days');

  await page.locator('form[data-retention="consume"] input[name=days]').fill('');
  // "Saved." is still shown from the last save: wait for this one's answer (the form is sent
  // back to the page) before reloading.
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/set_retention') && r.status() === 302),
    page.locator('form[data-retention="consume"]').getByRole('button', { name: 'Save' }).click(),
  ]);
  await page.reload();
  await expect(page.locator('form[data-retention="consume"] input[name=days]')).toHaveValue('');
});

// A form sent after the session ended leads to signing in again, and back to this page
// (without the failure in its address).
test('a form sent after the session ended offers to sign in again', async ({ page }) => {
  await page.goto('/admin/retention');
  await page.waitForSelector('body[data-hydrated]');
  // Every answer that could renew the session cookie has arrived before it is cleared.
  await page.waitForLoadState('networkidle');
  await page.context().clearCookies();
  const consume = page.locator('form[data-retention="consume"]');
  await consume.locator('input[name=days]').fill('3650');
  await consume.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fretention$/);
  await expect(page.locator('input[name=next]')).toHaveValue('/admin/retention');
});

// A refused change reads in the page language: the same form in Chinese answers in Chinese.
test('a refused change is explained in Chinese on a Chinese page', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'errscope_lang', value: 'zh', url: baseURL! }]);
  await page.goto('/admin/retention');
  await page.waitForSelector('body[data-hydrated]');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  const consume = page.locator('form[data-retention="consume"]');
  await consume.locator('input[name=days]').fill('0');
  await consume.locator('button[type=submit]').click();
  await expect(page.getByTestId('retention-error')).toContainText('保留期为 1 到 3650 的整数天数');
  await expect(page.getByTestId('retention-error')).not.toContainText('whole number');
});
