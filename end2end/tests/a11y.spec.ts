import { test, expect, Page } from './fixtures';

// axe-core is injected as a script tag, which the pages' nonce CSP would (rightly) block.
test.use({ bypassCSP: true });

const AXE = require.resolve('axe-core/axe.min.js');

const PAGES = [
  '/logs',
  '/logs?type=all&range=24h',
  '/logs?q=' + encodeURIComponent('no such error text anywhere'),
  '/health?window=24h',
  '/reference',
  '/admin/users',
  '/admin/audit',
  '/admin/retention',
  '/admin/keys',
  '/account',
];

async function seriousViolations(page: Page) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } }),
  );
  return (results.violations as any[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0]?.target})`);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test(`no serious accessibility violations on any page (${theme})`, async ({ page }) => {
      test.setTimeout(90_000);
      for (const path of PAGES) {
        await page.goto(path);
        await page.waitForSelector('body[data-hydrated]');
        expect(await seriousViolations(page), path).toEqual([]);
      }
      // A row's details page, reached from the table.
      await page.goto('/logs?status=502');
      await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
      await expect(page.getByTestId('support-message')).toBeVisible();
      expect(await seriousViolations(page), 'details').toEqual([]);
    });
  });
}

test('the sign-in page has no serious accessibility violations', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto('/login');
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

for (const [name, width, height] of [['laptop', 1280, 800], ['phone', 390, 844]] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`screenshot: usage logs at ${width} px, ${theme}`, async ({ page }, info) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/logs?status=502&group=vip&range=24h');
      await page.waitForSelector('body[data-hydrated]');
      // Nothing wider than the screen: the table becomes cards on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      if (width < 640) {
        await expect(page.locator('[data-testid="logs-table"] thead')).toHaveCSS('position', 'absolute');
        await expect(page.locator('[data-testid="logs-table"] tbody tr').first()).toHaveCSS('display', 'block');
      }
      await page.screenshot({ path: info.outputPath(`logs-${name}-${theme}.png`), fullPage: false });
    });
  }
}
