import { test, expect } from './fixtures';

// Runs as the demo admin. A request that failed on two channels and then succeeded, pushed
// as new-api writes it: one row per attempt, all sharing the request id.
test('a request that failed twice and then succeeded shows every attempt on one timeline', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/admin/keys');
  await page.waitForSelector('body[data-hydrated]');
  await page.fill('input[name=name]', 'e2e attempts relay');
  await page.getByRole('button', { name: 'Create' }).click();
  const key = (await page.getByTestId('new-key').innerText()).trim();

  const rid = `e2e-retry-${Date.now()}`;
  // Three days ago: outside the default 24 h lists other tests read in parallel.
  const at = (s: number) => new Date(Date.now() - 3 * 86_400_000 + s * 1000).toISOString();
  const base = { user_id: 4343, token_name: 'retry-token', group: 'e2e-retry', model: 'gpt-4o', request_id: rid };
  const res = await request.post('/api/v1/logs', {
    headers: { Authorization: `Bearer ${key}` },
    data: [
      { ...base, attempt: 0, time: at(0), status_code: 502, content: 'bad response status code 502', channel: 'openai-main (#8)' },
      { ...base, attempt: 1, time: at(1), status_code: 503, content: 'upstream error: do request failed: EOF', channel: 'openai-backup (#17)' },
      { ...base, attempt: 2, time: at(2), type: 'consume', prompt_tokens: 320, completion_tokens: 96, channel: 'azure-east (#3)' },
    ],
  });
  expect((await res.json()).inserted).toBe(3);

  await page.goto(`/logs?range=7d&request_id=${rid}`);
  await expect(page.getByTestId('attempt-count').first()).toHaveText('×3 attempts');
  await page.locator('[data-testid="logs-table"] tbody tr td:first-child a').first().click();
  await expect(page.getByTestId('details-request-id')).toHaveText(rid);
  const attempts = page.getByTestId('attempts').locator('li');
  await expect(attempts).toHaveCount(3);
  await expect(attempts.nth(0)).toHaveAttribute('data-failed', 'true');
  await expect(attempts.nth(0)).toContainText('502');
  await expect(attempts.nth(0)).toContainText('openai-main (#8)');
  await expect(attempts.nth(1)).toContainText('503');
  await expect(attempts.nth(2)).toHaveAttribute('data-failed', 'false');
  await expect(page.getByTestId('attempts-outcome')).toHaveText('2 failed attempts, then succeeded on attempt 3');

  // The support message says it too, and each attempt opens its own row.
  await page.waitForSelector('body[data-hydrated]');
  await expect(page.getByTestId('support-message')).toContainText('Attempts: 2 failed attempts, then succeeded on attempt 3');
  await attempts.nth(2).getByRole('link').click();
  await expect(page.getByTestId('details-request-id')).toHaveText(rid);
  await expect(page.locator('[data-testid="attempts"] li[aria-current="true"]')).toHaveAttribute('data-attempt', '3');

  // The list collapses the request's attempts into one row, at its newest failure.
  await page.goto(`/logs?range=7d&request_id=${rid}`);
  await expect(page.locator('[data-testid="logs-table"] tbody tr')).toHaveCount(2);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('#f-collapse').check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/collapse=1/);
  await expect(page.locator('[data-testid="logs-table"] tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('attempt-count').first()).toHaveText('×3 attempts');
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
});
