import { test, expect, Page } from './fixtures';

async function rowCells(page: Page, column: number): Promise<string[]> {
  return page.locator(`[data-testid="logs-table"] tbody tr td:nth-child(${column})`).allInnerTexts();
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the server renders rows and the GET form filters them', async ({ page }) => {
    await page.goto('/logs');
    await expect(page.locator('[data-testid="logs-table"] tbody tr').first()).toBeVisible();
    await page.fill('#f-status', '502');
    await page.fill('#f-group', 'vip');
    await page.selectOption('#f-range', '24h');
    // The filter form's own button (the header's sign-out forms come first on the page).
    await page.getByRole('form', { name: 'Filter logs' }).locator('button[type=submit]').click();
    await expect(page).toHaveURL(/status=502/);
    await expect(page).toHaveURL(/group=vip/);
    const statuses = await rowCells(page, 7);
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses.map((s) => s.trim()))).toEqual(new Set(['502']));
    expect(new Set((await rowCells(page, 4)).map((s) => s.trim()))).toEqual(new Set(['vip']));
    // The 502 storm planted in vip: 320 rows, all counted.
    const count = await page.getByTestId('result-count').innerText();
    expect(parseInt(count.replace(/,/g, ''))).toBeGreaterThanOrEqual(320);
  });

  test('bad input is explained beside its field and no unfiltered rows pass for the answer', async ({ page }) => {
    const res = await page.goto('/logs?status=4o4&attribution=aliens&from=2026-11-02T10:00&to=2026-11-01T10:00');
    expect(res?.status()).toBe(200);
    await expect(page.locator('[data-error-for="status"]')).toContainText('not a status code');
    await expect(page.locator('[data-error-for="attribution"]')).toContainText('unknown attribution');
    await expect(page.locator('[data-error-for="to"]')).toContainText('before its start');
    await expect(page.getByTestId('result-count')).toHaveText('No results shown: fix the filter marked below first.');
    await expect(page.locator('[data-testid="logs-table"]')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);

    await page.goto('/logs?status=abc');
    await expect(page.locator('[data-testid="logs-table"]')).toHaveCount(0);
    await page.goto('/logs?request_id=' + encodeURIComponent('2026 1206'));
    await expect(page.locator('[data-error-for="request_id"]')).toContainText('no spaces inside');
    await expect(page.locator('[data-testid="logs-table"]')).toHaveCount(0);
  });

  test('what the page ignored is said: an unknown zone, a stale page position, a log type without a field', async ({ page }) => {
    await page.goto('/logs?tz=Mars%2FBase&cursor=garbage');
    const notices = page.getByTestId('notices');
    await expect(notices).toContainText('the page position is invalid; showing the first page');
    await expect(notices).toContainText('Unknown time zone “Mars/Base”: times are shown in UTC.');
    // A stale position still answers the filters: their first page.
    await expect(page.locator('[data-testid="logs-table"] tbody tr').first()).toBeVisible();

    await page.goto('/logs?type=nonsense');
    await expect(page.getByTestId('notices')).toContainText('unknown log type “nonsense”');
    await expect(page.locator('[data-testid="logs-table"]')).toHaveCount(0);

    const health = await page.goto('/health?window=99y&tz=Nowhere');
    expect(health?.status()).toBe(200);
    await expect(page.getByTestId('notices')).toContainText('Unknown window “99y”: showing the last 24 hours.');
    await expect(page.getByTestId('notices')).toContainText('Unknown time zone “Nowhere”');

    const missing = await page.goto('/logs/abc');
    expect(missing?.status()).toBe(404);
  });

  test('bad input is explained in Chinese for a Chinese browser', async ({ browser }) => {
    const zh = await browser.newContext({ storageState: '.auth/admin.json', locale: 'zh-CN', javaScriptEnabled: false });
    const page = await zh.newPage();
    await page.goto('/logs?status=4o4&user=bob&size=7');
    await expect(page.locator('[data-error-for="status"]')).toHaveText('“4o4”不是状态码：请填写单个状态码（如 429）、列表（如 429,502）或类别（如 5xx）');
    await expect(page.locator('[data-error-for="user"]')).toContainText('不是用户 ID');
    await expect(page.locator('[data-error-for="size"]')).toContainText('每页条数');
    await zh.close();
  });
});

test('a keyword finds Chinese text and highlights it', async ({ page }) => {
  await page.goto('/logs?q=' + encodeURIComponent('请求失败'));
  const messages = await page.getByTestId('message').allInnerTexts();
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) expect(m).toContain('请求失败');
  await expect(page.locator('[data-testid="message"] mark').first()).toHaveText('请求失败');
});

test('a status class and a list filter', async ({ page }) => {
  await page.goto('/logs?status=5xx&size=100');
  for (const s of await rowCells(page, 7)) expect(Number(s)).toBeGreaterThanOrEqual(500);
  await page.goto('/logs?status=' + encodeURIComponent('401,413') + '&size=100');
  for (const s of await rowCells(page, 7)) expect(['401', '413']).toContain(s.trim());
});

test('each planted incident is found from the filters alone', async ({ page }) => {
  const cases: [string, number][] = [
    ['/logs?range=24h&group=vip&status=502', 320],
    ['/logs?range=24h&token=ci-bot-old&status=401', 240],
    ['/logs?range=24h&model=claude-sonnet-4&status=429', 180],
    ['/logs?range=7d&q=' + encodeURIComponent('system disk overloaded'), 260],
    ['/logs?range=7d&user=1003&status=413', 150],
  ];
  for (const [url, min] of cases) {
    await page.goto(url);
    const count = await page.getByTestId('result-count').innerText();
    expect(parseInt(count.replace(/,/g, '')), url).toBeGreaterThanOrEqual(min);
  }
});

test('a request ID pasted into the keyword box goes to that request', async ({ page }) => {
  await page.goto('/logs?status=503');
  const rid = (await page.getByTestId('request-id').first().innerText()).trim();
  await page.goto('/logs?q=' + rid);
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await expect(page.getByTestId('request-id')).toHaveText(rid);
});

test('hydrated: the filter form updates results without a full reload', async ({ page }) => {
  await page.goto('/logs');
  await page.waitForSelector('body[data-hydrated]');
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.fill('#f-status', '413');
  await page.press('#f-status', 'Enter');
  await expect(page).toHaveURL(/status=413/);
  await expect(page.locator('[data-testid="logs-table"] tbody tr td:nth-child(7)').first()).toHaveText('413');
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test('keyset pagination moves to older rows', async ({ page }) => {
  await page.goto('/logs?size=20');
  const first = await page.getByTestId('request-id').allInnerTexts();
  await page.getByTestId('next-page').click();
  await expect(page).toHaveURL(/cursor=/);
  // Once hydrated, the old rows stay on screen until the next page has loaded.
  await expect(page.getByTestId('request-id').first()).not.toHaveText(first[0]);
  const second = await page.getByTestId('request-id').allInnerTexts();
  expect(second.length).toBe(20);
  for (const id of second) expect(first).not.toContain(id);
});

test('keyboard: / focuses the filter, j and o open a row, c copies', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/logs?status=429');
  await page.waitForSelector('body[data-hydrated]');
  await page.keyboard.press('/');
  await expect(page.locator('#f-q')).toBeFocused();
  await page.locator('h1').click();
  const rid = (await page.getByTestId('request-id').nth(1).innerText()).trim();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('o');
  await expect(page.getByTestId('details-request-id')).toHaveText(rid);
  await page.keyboard.press('c');
  await expect(page.getByTestId('copy-support')).toContainText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`Request ID: ${rid}`);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('CSV export downloads exactly the filtered rows', async ({ page }) => {
    await page.goto('/logs?range=24h&token=ci-bot-old&status=401');
    const shown = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const fs = await import('node:fs');
    const text = fs.readFileSync(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.trim().split('\n');
    expect(lines[0]).toContain('time,type,user_id');
    expect(lines.length - 1).toBe(shown);
    for (const l of lines.slice(1)) expect(l).toContain('ci-bot-old');
  });
});

test('hydrated: the export counts the rows as they arrive, then saves the same file', async ({ page }) => {
  await page.goto('/logs?range=24h&token=ci-bot-old&status=401');
  await page.waitForSelector('body[data-hydrated]');
  const counted = (await page.getByTestId('result-count').innerText()).trim();
  expect(counted).toMatch(/^[\d,]+ results$/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  await expect(page.getByTestId('export-progress')).toHaveText(`Exported ${counted.replace(' results', '')} rows`);
  const fs = await import('node:fs');
  const text = fs.readFileSync(await download.path(), 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.trim().split('\n');
  expect(lines.length - 1).toBe(parseInt(counted.replace(/,/g, '')));
  expect(download.suggestedFilename()).toBe('errscope-logs.csv');
});

test('times are shown and read in the chosen time zone, with its offset', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/logs?status=413&range=7d&tz=UTC');
  const utc = (await page.locator('[data-testid="logs-table"] tbody tr td:first-child').first().innerText()).trim();
  await page.goto('/logs?status=413&range=7d&tz=Asia/Shanghai');
  await expect(page.locator('label[for="f-from"]')).toContainText('Asia/Shanghai (UTC+08:00)');
  const cst = (await page.locator('[data-testid="logs-table"] tbody tr td:first-child').first().innerText()).trim();
  const toMs = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
  expect(toMs(cst) - toMs(utc)).toBe(8 * 3600 * 1000);
  // A custom range typed in Shanghai time finds the row shown at that Shanghai time.
  const minute = cst.slice(0, 16).replace(' ', 'T');
  const next = new Date(toMs(cst) + 60_000).toISOString().slice(0, 16);
  await page.goto(`/logs?status=413&tz=Asia/Shanghai&from=${minute}&to=${next}`);
  await expect(page.locator('[data-testid="logs-table"] tbody tr td:first-child').first()).toHaveText(cst);
  // The details and the support message state the zone.
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('support-message')).toContainText('(Asia/Shanghai (UTC+08:00))');
});

test('guidance: an empty result lists the troubleshooting order, and the help panel opens', async ({ page }) => {
  await page.goto('/logs?q=' + encodeURIComponent('no such error text anywhere'));
  await expect(page.getByTestId('empty-state')).toContainText('search for that exact request first');
  await expect(page.getByTestId('empty-state').locator('li')).toHaveCount(5);
  const help = page.getByTestId('help-panel');
  await expect(help.getByText('Provide this first when contacting support')).toBeHidden();
  await help.locator('summary').click();
  await expect(help.getByText('Provide this first when contacting support')).toBeVisible();
  await expect(help.getByText('open Group Health to confirm the impact scope')).toBeVisible();
});
