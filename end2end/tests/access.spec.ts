import { test, expect, Browser } from './fixtures';

async function as(browser: Browser, role: 'admin' | 'support' | 'grace') {
  const context = await browser.newContext({ storageState: `.auth/${role}.json` });
  return { context, page: await context.newPage() };
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a shared link leads through sign-in back to the same filtered view', async ({ page }) => {
    await page.goto('/logs?status=401&range=24h');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.fill('input[name=username]', 'grace');
    await page.fill('input[name=password]', 'not-her-password');
    await page.click('form[action="/login"] button[type=submit]');
    await expect(page.getByTestId('login-error')).toHaveText('Wrong username or password.');
    await page.fill('input[name=username]', 'grace');
    await page.fill('input[name=password]', 'errscope-grace');
    await page.click('form[action="/login"] button[type=submit]');
    await expect(page).toHaveURL(/\/logs\?status=401&range=24h$/);
    await expect(page.locator('#f-status')).toHaveValue('401');
  });

  test('wrong passwords for one account are rate-limited, and the wait is shown', async ({ page }) => {
    // carol is a demo account no other test signs in as: five tries pass, the sixth waits.
    for (let i = 0; i < 6; i++) {
      await page.goto('/login');
      await page.fill('input[name=username]', 'carol');
      await page.fill('input[name=password]', `wrong-password-${i}`);
      await page.click('form[action="/login"] button[type=submit]');
      await expect(page.getByTestId('login-error')).toBeVisible();
    }
    await expect(page.getByTestId('login-error')).toHaveText(/Too many sign-in attempts\. Try again in \d+ seconds\./);
    // Even the right password waits until the limit has passed.
    await page.fill('input[name=username]', 'carol');
    await page.fill('input[name=password]', 'errscope-carol');
    await page.click('form[action="/login"] button[type=submit]');
    await expect(page).toHaveURL(/error=rate_limited/);
  });
});

test('an admin sees support lookups of other users\' requests in the audit', async ({ browser, page }) => {
  const { context, page: support } = await as(browser, 'support');
  await support.goto('/logs?range=7d&token=ci-bot-old');
  const requestId = (await support.getByTestId('request-id').first().innerText()).trim();
  // A pasted request ID narrows the list to that request; its row opens the details.
  await support.goto(`/logs?range=30d&q=${encodeURIComponent(requestId)}`);
  await expect(support.getByTestId('result-count')).toHaveText('1 result');
  await support.locator('[data-testid="logs-table"] tbody tr a').first().click();
  await expect(support).toHaveURL(/\/logs\/\d+/);
  await expect(support.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await context.close();

  await page.goto('/admin/audit');
  const line = page.locator('[data-testid="audit"] tbody tr', { hasText: requestId }).first();
  await expect(line).toContainText('support');
  await expect(line).toContainText('opened the details');
  await expect(line).toContainText('1007');
});

test('a user sees only their own requests, tokens and groups', async ({ browser }) => {
  const { context, page } = await as(browser, 'grace');
  await page.goto('/logs?range=7d');
  await expect(page.getByTestId('whoami')).toContainText('grace');
  const tokens = await page.locator('[data-testid="logs-table"] tbody tr td:nth-child(3)').allInnerTexts();
  expect(tokens.length).toBeGreaterThan(10);
  expect(new Set(tokens.map((t) => t.trim()))).toEqual(new Set(['ci-bot-old', 'grace-main']));
  // The pick lists offer her values only.
  const options = await page.locator('#tokens option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options.sort()).toEqual(['ci-bot-old', 'grace-main']);
  // A user-id filter could only ever return her own rows: it is not offered.
  await expect(page.locator('#f-user')).toHaveCount(0);
  // Admin-only details never reach her.
  await page.locator('[data-testid="logs-table"] tbody tr a').first().click();
  await expect(page.getByTestId('support-message')).toBeVisible();
  await expect(page.getByText('Channel (admin)')).toHaveCount(0);
  // Her impact scope counts her own rows; other customers are a yes or no, never a number.
  await expect(page.getByTestId('scope')).toHaveAttribute('data-own-only', 'true');
  await expect(page.getByTestId('scope')).toContainText(/of yours failed the same way/);
  // Group Health shows her own numbers and, in words, how the group does; Users is not hers.
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto('/health?window=7d');
  await expect(page.getByTestId('restricted-note')).toBeVisible();
  await expect(page.locator('[data-group]')).toHaveCount(1);
  await expect(page.locator('[data-group="vip"]')).toBeVisible();
  await expect(page.locator('[data-group="vip"]').getByTestId('group-wide')).toContainText('The group as a whole');
  await context.close();
});

test('support finds any request by id, without admin-only fields', async ({ browser }) => {
  const { context, page } = await as(browser, 'support');
  // A request of carol's (relay user 1003): the oversized-request incident.
  await page.goto('/logs?range=7d&status=413&token=carol-upload');
  const requestId = (await page.getByTestId('request-id').first().innerText()).trim();
  await page.goto(`/logs?range=30d&q=${encodeURIComponent(requestId)}`);
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await page.locator('[data-testid="logs-table"] tbody tr a').first().click();
  await expect(page).toHaveURL(/\/logs\/\d+/);
  await expect(page.getByTestId('support-message')).toContainText(requestId);
  await expect(page.getByText('Channel (admin)')).toHaveCount(0);
  await context.close();
});

test('an admin creates a user account, and disabling it ends its session', async ({ page, browser }) => {
  await page.goto('/admin/users');
  const name = `e2e-${Date.now() % 100000}`;
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', 'e2e-password-123');
  await page.selectOption('select[name=role]', 'user');
  await page.fill('input[name=relay_user_id]', '1001');
  await page.getByRole('button', { name: 'Add' }).click();
  const row = page.locator(`tr[data-username="${name}"]`);
  await expect(row).toBeVisible();

  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const userPage = await other.newPage();
  await userPage.goto('/login');
  await userPage.fill('input[name=username]', name);
  await userPage.fill('input[name=password]', 'e2e-password-123');
  await userPage.click('form[action="/login"] button[type=submit]');
  await userPage.goto('/logs?range=7d');
  const tokens = await userPage.locator('[data-testid="logs-table"] tbody tr td:nth-child(3)').allInnerTexts();
  expect(tokens.length).toBeGreaterThan(0);
  expect(tokens.every((t) => t.trim().startsWith('alice-'))).toBe(true);

  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(page.locator(`tr[data-username="${name}"]`)).toContainText('disabled');
  await userPage.goto('/logs');
  await expect(userPage).toHaveURL(/\/login/);
  await other.close();
});
