import { test as setup, expect } from '@playwright/test';

// Signs in once per demo role through the real form and keeps each session for the tests.
export const ACCOUNTS = {
  admin: { username: 'admin', password: 'errscope-admin' },
  support: { username: 'support', password: 'errscope-support' },
  grace: { username: 'grace', password: 'errscope-grace' },
} as const;

for (const [role, account] of Object.entries(ACCOUNTS)) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto('/login');
    await page.fill('input[name=username]', account.username);
    await page.fill('input[name=password]', account.password);
    await page.click('form[action="/login"] button[type=submit]');
    await expect(page).toHaveURL(/\/logs/);
    await expect(page.getByTestId('whoami')).toContainText(account.username);
    await page.context().storageState({ path: `.auth/${role}.json` });
  });
}
