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
  await expect(page).toHaveURL(/\/logs\?.*group=vip.*status=502/);
  const count = parseInt((await page.getByTestId('result-count').innerText()).replace(/,/g, ''));
  expect(count).toBeGreaterThanOrEqual(320);
  expect(count).toBeLessThan(340);
  const groups = await page.locator('[data-testid="logs-table"] tbody tr td:nth-child(4)').allInnerTexts();
  expect(new Set(groups.map((g) => g.trim()))).toEqual(new Set(['vip']));
});

async function shownCount(page: import('./fixtures').Page): Promise<number> {
  const text = await page.getByTestId('result-count').innerText();
  if (/^1 result$/.test(text)) return 1;
  if (/^No results/.test(text)) return 0;
  expect(text, 'an exact count').toMatch(/^[\d,]+ results$/);
  return parseInt(text.replace(/,/g, ''));
}

test('every number on a group card opens exactly the rows it counts', async ({ page }) => {
  for (const window of ['24h', '7d']) {
    await page.goto(`/health?window=${window}`);
    const card = page.locator('article[data-group="vip"]');
    await expect(card).toBeVisible();
    const links = await card.locator('a[data-count]').evaluateAll((els) =>
      els.map((e) => ({
        kind: e.getAttribute('data-testid'),
        count: Number(e.getAttribute('data-count')),
        href: e.getAttribute('href')!,
      })));
    const kinds = new Set(links.map((l) => l.kind));
    for (const k of ['group-errors', 'group-requests', 'top-status', 'top-message', 'mix', 'bucket', 'latency-rows']) {
      expect(kinds.has(k), `${window}: a ${k} link`).toBe(true);
    }
    // Every kind, and of the buckets the three fullest (a storm's edges included).
    const buckets = links.filter((l) => l.kind === 'bucket').sort((a, b) => b.count - a.count).slice(0, 3);
    const checked = [...links.filter((l) => l.kind !== 'bucket'), ...buckets];
    for (const l of checked) {
      await page.goto(l.href);
      expect(await shownCount(page), `${window} ${l.kind} ${l.href}`).toBe(l.count);
    }
  }
});

test('latency: p50 and p95 per group and model, the timed rows and the slowest 5% one click away', async ({ page }) => {
  for (const window of ['6h', '24h']) {
    await page.goto(`/health?window=${window}`);
    const line = page.locator('article[data-group="vip"]').getByTestId('latency');
    await expect(line).toBeVisible();
    const p50 = Number(await line.getAttribute('data-p50'));
    const p95 = Number(await line.getAttribute('data-p95'));
    expect(p50).toBeGreaterThan(0);
    expect(p95).toBeGreaterThanOrEqual(p50);
    const timed = Number(await line.getByTestId('latency-rows').getAttribute('data-count'));

    // The models, slowest p95 first, each count opening exactly its rows.
    const models = page.getByTestId('model-latency');
    expect(await models.count()).toBeGreaterThan(1);
    const p95s = await models.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-p95'))));
    expect(p95s).toEqual([...p95s].sort((a, b) => b - a));
    const first = models.first().getByTestId('latency-rows');
    const [modelCount, modelHref] = [Number(await first.getAttribute('data-count')), (await first.getAttribute('href'))!];

    // The p95 opens the slowest rows: from where its histogram bucket starts, never empty.
    const from = Number(await line.getByTestId('latency-p95').getAttribute('data-from'));
    expect(from).toBeGreaterThan(p50);
    expect(from).toBeLessThanOrEqual(p95);
    await line.getByTestId('latency-p95').click();
    await expect(page).toHaveURL(new RegExp(`slower=${from}&`));
    const slow = await shownCount(page);
    expect(slow, `${window}: the slowest share of ${timed} timed rows`).toBeGreaterThan(0);
    expect(slow).toBeLessThan(timed * 0.3);
    const shown = await page.getByTestId('latency').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-ms'))));
    expect(shown.length).toBeGreaterThan(0);
    for (const ms of shown) expect(ms).toBeGreaterThanOrEqual(from);

    await page.goto(modelHref);
    expect(await shownCount(page), `${window}: a model's timed rows`).toBe(modelCount);
  }
});

test('charts draw every bucket after in-app navigation and a window switch', async ({ page }) => {
  await page.goto('/logs');
  await page.waitForSelector('body[data-hydrated]');
  await page.getByRole('link', { name: 'Group Health', exact: true }).click();
  await expect(page).toHaveURL(/\/health/);
  const card = page.locator('article[data-group="vip"]');
  await expect(card.getByTestId('bucket')).toHaveCount(96);
  const drawn = async () => card.locator('[data-testid="bucket"] rect').evaluateAll((rects) =>
    rects.filter((r) => (r as SVGGraphicsElement).getBoundingClientRect().height > 0).length);
  expect(await drawn()).toBeGreaterThan(10);

  await page.locator('a[data-window="7d"]').click();
  await expect(page).toHaveURL(/window=7d/);
  await expect(card.getByTestId('bucket')).toHaveCount(168);
  expect(await drawn()).toBeGreaterThan(10);
  // The newest bucket (where an incident is) is on screen, inside its card.
  const last = await card.getByTestId('bucket').last().boundingBox();
  const box = await card.boundingBox();
  expect(last!.width).toBeGreaterThan(0);
  expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width);
});

test('Group Health speaks Chinese: windows, headings and the attribution legend', async ({ browser }) => {
  const zh = await browser.newContext({ storageState: '.auth/admin.json', locale: 'zh-CN' });
  const page = await zh.newPage();
  await page.goto('/health?window=7d');
  await expect(page.locator('a[data-window="7d"]')).toHaveText('7 天');
  await expect(page.locator('#signals-h')).toContainText('最近 7 天');
  await expect(page.locator('#signals-h')).not.toContainText('7d');
  const legend = page.locator('article[data-group="vip"] [data-testid="mix"]').first();
  await expect(legend).toHaveText(/[●▲■◆] (使用问题|上游问题|平台问题|需要分组上下文|需结合分组判断)\s*\d+/);
  await zh.close();
});
