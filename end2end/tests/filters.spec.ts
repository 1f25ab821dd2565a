import { test, expect, Page } from './fixtures';

// Each filter alone (server-rendered, JavaScript off) and several combined through the
// hydrated form (JavaScript on): every row shown satisfies every filter.
const COL = { time: 1, model: 2, token: 3, group: 4, request: 5, message: 6, status: 7, attribution: 8 };

async function column(page: Page, c: number): Promise<string[]> {
  const cells = await page.locator(`[data-testid="logs-table"] tbody tr td:nth-child(${c})`).allInnerTexts();
  return cells.map((s) => s.trim());
}

async function expectEvery(page: Page, c: number, ok: (v: string) => boolean, what: string) {
  const values = await column(page, c);
  expect(values.length, what).toBeGreaterThan(0);
  for (const v of values) expect(ok(v), `${what}: ${v}`).toBe(true);
}

test.describe('each filter alone, without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('model, token, group, status, attribution, user, request id, log type', async ({ page }) => {
    await page.goto('/logs?model=gpt-4o');
    await expectEvery(page, COL.model, (v) => v === 'gpt-4o', 'model');

    await page.goto('/logs?token=alice-ci');
    await expectEvery(page, COL.token, (v) => v === 'alice-ci', 'token');

    await page.goto('/logs?group=svip');
    await expectEvery(page, COL.group, (v) => v === 'svip', 'group');

    await page.goto('/logs?status=4xx');
    await expectEvery(page, COL.status, (v) => /^4\d\d$/.test(v), 'status class');

    await page.goto('/logs?attribution=platform');
    await expect(page.locator('[data-testid="logs-table"] tbody [data-attribution]').first()).toBeVisible();
    const attributions = await page.locator('[data-testid="logs-table"] tbody [data-attribution]').evaluateAll(
      (els) => els.map((e) => e.getAttribute('data-attribution')),
    );
    expect(new Set(attributions)).toEqual(new Set(['platform']));

    await page.goto('/logs?user=1003');
    await expectEvery(page, COL.token, (v) => ['carol-upload', 'carol-chat'].includes(v), 'user 1003');

    await page.goto('/logs?status=401');
    const id = (await page.getByTestId('request-id').nth(3).innerText()).trim();
    await page.goto('/logs?request_id=' + encodeURIComponent(id));
    await expect(page.getByTestId('result-count')).toHaveText('1 result');
    expect((await page.getByTestId('request-id').innerText()).trim()).toBe(id);

    await page.goto('/logs?type=all&range=24h');
    await expect(page.locator('[data-testid="logs-table"] thead')).toContainText('Quota');
    await expect(page.getByTestId('message').filter({ hasText: '(no message)' }).first()).toBeVisible();

    // Slower than: every row shown took at least that long, and the chip says so.
    await page.goto('/logs?type=all&range=24h&slower=8000');
    const latencies = (await page.getByTestId('latency').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-ms')))));
    expect(latencies.length).toBeGreaterThan(0);
    for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(8000);
    await expect(page.locator('[data-chip="slower"]')).toContainText('Slower than: 8000 ms');
    await page.goto('/logs?slower=soon');
    await expect(page.locator('[data-error-for="slower"]')).toContainText('“soon” is not a duration');
  });
});

test('filters combined through the hydrated form, then removed one chip at a time', async ({ page }) => {
  await page.goto('/logs');
  await page.waitForSelector('body[data-hydrated]');
  await page.selectOption('#f-range', '24h');
  await page.fill('#f-model', 'claude-sonnet-4');
  await page.fill('#f-status', '429');
  await page.selectOption('#f-attribution', 'upstream');
  await page.press('#f-status', 'Enter');
  await expect(page).toHaveURL(/model=claude-sonnet-4/);
  await expect(page).toHaveURL(/status=429/);
  await expect(page).toHaveURL(/attribution=upstream/);
  // The URL changes first; the rows follow once the new page has loaded (its chips with it).
  await expect(page.locator('[data-chip="attribution"]')).toBeVisible();
  await expectEvery(page, COL.model, (v) => v === 'claude-sonnet-4', 'model');
  await expectEvery(page, COL.status, (v) => v === '429', 'status');
  const combined = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
  expect(combined).toBeGreaterThanOrEqual(180);

  await page.locator('[data-chip="model"]').click();
  await expect(page).not.toHaveURL(/model=/);
  await expect(page.locator('[data-chip="model"]')).toHaveCount(0);
  await expect(page.locator('[data-chip="status"]')).toBeVisible();
  const wider = parseInt((await page.getByTestId('result-count').innerText()).replace(/[,+]/g, ''));
  expect(wider).toBeGreaterThanOrEqual(combined);
});

test('the latency header sorts all usage logs slowest first, page after page, and back', async ({ page }) => {
  const latencies = () =>
    page.getByTestId('latency').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-ms') ?? 0)));
  await page.goto('/logs?type=all&range=24h&slower=3000');
  await page.waitForSelector('body[data-hydrated]');
  const count = (await page.getByTestId('result-count').innerText()).trim();
  await page.getByTestId('sort-latency').click();
  await expect(page).toHaveURL(/sort=latency/);
  await expect(page.locator('th[aria-sort="descending"]')).toBeVisible();
  // The same rows, counted the same; only their order changed.
  await expect(page.getByTestId('result-count')).toHaveText(count);
  await expect(page.getByTestId('live')).toHaveCount(0);
  const first = await latencies();
  expect(first.length).toBeGreaterThan(1);
  expect(first).toEqual([...first].sort((a, b) => b - a));
  if (await page.getByTestId('next-page').count()) {
    await page.getByTestId('next-page').click();
    await expect(page).toHaveURL(/cursor=l\d+_\d+/);
    // The URL changes first; the rows follow once the next page has loaded.
    await expect.poll(async () => (await latencies())[0]).toBeLessThanOrEqual(first[first.length - 1]);
    const second = await latencies();
    expect(second).toEqual([...second].sort((a, b) => b - a));
  }
  await page.getByTestId('sort-latency').click();
  await expect(page).not.toHaveURL(/sort=/);
  await expect(page.getByTestId('live')).toBeVisible();

  // Too many rows to sort: newest first, and the page says why.
  await page.goto('/logs?type=all&range=30d&sort=latency');
  await expect(page.getByText('too many to sort by latency')).toBeVisible();
  await expect(page.locator('th[aria-sort]')).toHaveCount(0);
  await page.goto('/logs?sort=fastest');
  await expect(page.getByText('Unknown order “fastest”')).toBeVisible();
});

test('"Today" lists the rows since midnight in the viewer\'s zone', async ({ page }) => {
  await page.goto('/logs?range=today&tz=UTC');
  await expect(page.locator('#f-range')).toHaveValue('today');
  await expect(page.locator('[data-error-for="range"]')).toHaveCount(0);
  const midnight = new Date().toISOString().slice(0, 10);
  const times = await column(page, COL.time);
  expect(times.length).toBeGreaterThan(0);
  for (const t of times) expect(t.slice(0, 10) >= midnight, t).toBe(true);
});

test('active filters are named in the page language', async ({ page }) => {
  await page.goto('/logs?range=24h&group=vip&attribution=upstream&collapse=1');
  await expect(page.locator('[data-chip="range"]')).toContainText('Time range: Last 24 h');
  await expect(page.locator('[data-chip="group"]')).toContainText('Group: vip');
  await expect(page.locator('[data-chip="attribution"]')).toContainText('Attribution: Upstream issue');
  await expect(page.locator('[data-chip="collapse"]')).toContainText('One row per request: on');
});
