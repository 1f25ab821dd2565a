import { test, expect, Page } from './fixtures';

const signedOut = { cookies: [], origins: [] };
const switchTo = (page: Page, lang: 'en' | 'zh') =>
  page.locator(`form[action="/prefs/lang"] button[value="${lang}"]`).click();
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** A fresh support account, so no other test's pages change language or zone. */
async function newSupportAccount(admin: Page, prefix: string) {
  await admin.goto('/admin/users');
  const name = `${prefix}-${Date.now() % 100000}`;
  const password = `e2e-password-${prefix}`;
  await admin.fill('input[name=username]', name);
  await admin.fill('input[name=password]', password);
  await admin.selectOption('select[name=role]', 'support');
  await admin.getByRole('button', { name: 'Add' }).click();
  await expect(admin.locator(`tr[data-username="${name}"]`)).toBeVisible();
  return { name, password };
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[action="/login"] button[type=submit]');
  await expect(page).toHaveURL(/\/logs$/);
}

test('a Chinese browser gets the sign-in page in Chinese, and the switch turns it to English', async ({ browser }) => {
  const context = await browser.newContext({ storageState: signedOut, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(h1(page)).toHaveText('登录 errscope');
  await expect(page.getByLabel('密码')).toBeVisible();
  await switchTo(page, 'en');
  await expect(h1(page)).toHaveText('Sign in to errscope');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('form[action="/prefs/lang"] button[value="en"]')).toHaveAttribute('aria-pressed', 'true');
  await context.close();
});

test('an account that picks Chinese sees every page, the details and the copied message in Chinese, on any browser', async ({ page, browser }, info) => {
  const { name, password } = await newSupportAccount(page, 'zh');
  const context = await browser.newContext({ storageState: signedOut, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const zh = await context.newPage();
  await signIn(zh, name, password);
  await expect(h1(zh)).toHaveText('Usage Logs');
  await zh.waitForSelector('body[data-hydrated]'); // the browser's zone is now known
  await switchTo(zh, 'zh');
  await expect(h1(zh)).toHaveText('使用日志');
  await expect(zh.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(zh.getByRole('link', { name: '分组健康' })).toBeVisible();
  await expect(zh.getByLabel('状态码')).toBeVisible();
  await expect(zh.getByText('时间按 Asia/Shanghai (UTC+08:00) 显示。')).toBeVisible();

  await zh.goto('/logs?range=24h&token=ci-bot-old&status=401');
  await expect(zh.getByTestId('result-count')).toContainText('条结果');
  await expect(zh.locator('[data-testid="logs-table"] td[data-label="状态码"]').first()).toBeVisible();
  await zh.screenshot({ path: info.outputPath('logs-laptop-zh.png') });
  const rid = (await zh.getByTestId('request-id').first().innerText()).trim();
  await zh.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(zh.getByTestId('details-request-id')).toHaveText(rid);
  await expect(zh.getByRole('heading', { name: '提交给客服' })).toBeVisible();
  await expect(zh.getByTestId('meaning')).toHaveText(/[\u4e00-\u9fff]/);
  await zh.waitForSelector('body[data-hydrated]');
  await zh.getByTestId('copy-support').click();
  await expect(zh.getByTestId('copy-support')).toContainText('已复制');
  const copied = await zh.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`请求 ID: ${rid}`);
  expect(copied).toContain('时间范围');
  expect(copied).toContain('Asia/Shanghai');
  expect(copied.trim()).toBe((await zh.getByTestId('support-message').innerText()).trim());
  await context.close();

  // The choice is kept on the account: another browser, English by its own settings, follows it.
  const other = await browser.newContext({ storageState: signedOut, locale: 'en-US' });
  const again = await other.newPage();
  await signIn(again, name, password);
  await expect(h1(again)).toHaveText('使用日志');
  await switchTo(again, 'en');
  await expect(h1(again)).toHaveText('Usage Logs');
  await other.close();
});

test("an account's own time zone beats the browser's, and the browser's zone can be picked again", async ({ page, browser }) => {
  const { name, password } = await newSupportAccount(page, 'tz');
  const context = await browser.newContext({ storageState: signedOut, timezoneId: 'Asia/Tokyo' });
  const me = await context.newPage();
  await signIn(me, name, password);
  await me.waitForSelector('body[data-hydrated]');
  // The account's settings are under its name in the header.
  await me.getByTestId('whoami').click();
  await me.getByRole('link', { name: 'Account settings' }).click();
  await expect(h1(me)).toHaveText('Your account');
  await expect(me.getByTestId('zone-in-use')).toHaveText('Pages are shown in Asia/Tokyo (UTC+09:00).');
  await me.waitForSelector('body[data-hydrated]');
  await me.selectOption('select[name=zone]', 'America/Sao_Paulo');
  await me.getByRole('button', { name: 'Save' }).click();
  await expect(me.getByTestId('settings-done')).toBeVisible();
  await expect(me.getByTestId('zone-in-use')).toHaveText('Pages are shown in America/Sao_Paulo (UTC-03:00).');
  await me.goto('/logs');
  await expect(me.getByText('Times in America/Sao_Paulo (UTC-03:00).')).toBeVisible();
  // A link that names its zone still wins.
  await me.goto('/logs?tz=Europe/Berlin');
  await expect(me.getByText('Times in Europe/Berlin (UTC+01:00).')).toBeVisible();

  await me.goto('/account');
  await me.waitForSelector('body[data-hydrated]');
  await me.selectOption('select[name=zone]', '');
  await me.getByRole('button', { name: 'Save' }).click();
  await expect(me.getByTestId('zone-in-use')).toHaveText('Pages are shown in Asia/Tokyo (UTC+09:00).');
  await context.close();
});
