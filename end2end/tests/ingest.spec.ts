import { test, expect, APIRequestContext } from './fixtures';

// Runs as the demo admin. The probe rows live in their own model and group, so no other test sees
// them; a retry runs on the same database, so each attempt has its own model, key names and
// request ids.
const attempt = () => Date.now().toString(36);

function probe(model: string, prefix: string, i: number, minutesAgo: number) {
  return {
    time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    user_id: 4242,
    token_name: 'probe-token',
    group: 'e2e-probe',
    model,
    request_id: `${prefix}-${String(i).padStart(2, '0')}`,
    status_code: 400,
    content: 'e2e paging probe: Invalid request',
  };
}

async function push(request: APIRequestContext, key: string, rows: object[]) {
  const res = await request.post('/api/v1/logs', {
    headers: { Authorization: `Bearer ${key}` },
    data: rows,
  });
  return res;
}

test('an admin creates an ingest key; paging stays correct while pushed rows arrive; revoked keys are refused', async ({ page, request }) => {
  const run = attempt();
  const model = `e2e-paging-${run}`;
  const relay = `e2e relay ${run}`;
  await page.goto('/admin/keys');
  await page.waitForSelector('body[data-hydrated]');
  await page.fill('input[name=name]', ' ');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('keys-error')).toContainText('1 to 64 characters');
  await page.fill('input[name=name]', relay);
  await page.getByRole('button', { name: 'Create' }).click();
  const key = (await page.getByTestId('new-key').innerText()).trim();
  expect(key).toMatch(/^esk_[A-Za-z0-9]{32}$/);
  await expect(page.locator(`tr[data-key-name="${relay}"]`)).toContainText(key.slice(0, 8));

  // 45 older rows, one a minute: "old-00" is the newest.
  const old = Array.from({ length: 45 }, (_, i) => probe(model, `e2e-old-${run}`, i, 30 + i));
  const first = await push(request, key, old);
  expect(first.status()).toBe(200);
  expect((await first.json()).inserted).toBe(45);
  // Re-sending the same batch stores nothing twice.
  expect((await (await push(request, key, old)).json()).duplicates).toBe(45);

  await page.goto(`/logs?model=${model}&size=20`);
  await expect(page.getByTestId('result-count')).toHaveText('45 results');
  const page1 = (await page.getByTestId('request-id').allInnerTexts()).map((s) => s.trim());
  expect(page1).toEqual(old.slice(0, 20).map((r) => r.request_id));

  // Ten newer rows arrive while the user reads page 1.
  const fresh = Array.from({ length: 10 }, (_, i) => probe(model, `e2e-new-${run}`, i, 1));
  expect((await (await push(request, key, fresh)).json()).inserted).toBe(10);

  await page.getByTestId('next-page').click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByTestId('request-id').first()).toHaveText(old[20].request_id);
  const page2 = (await page.getByTestId('request-id').allInnerTexts()).map((s) => s.trim());
  expect(page2).toEqual(old.slice(20, 40).map((r) => r.request_id));

  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('request-id').first()).toHaveText(old[40].request_id);
  const page3 = (await page.getByTestId('request-id').allInnerTexts()).map((s) => s.trim());
  expect(page3).toEqual(old.slice(40).map((r) => r.request_id));

  // Back on the first page, the new rows lead.
  await page.goto(`/logs?model=${model}&size=20`);
  await expect(page.getByTestId('result-count')).toHaveText('55 results');
  const top = (await page.getByTestId('request-id').allInnerTexts()).map((s) => s.trim());
  expect(top.slice(0, 10).every((id) => id.startsWith(`e2e-new-${run}-`))).toBe(true);

  await page.goto('/admin/keys');
  await page.getByRole('button', { name: `Revoke ${relay}` }).click();
  await expect(page.locator(`tr[data-key-name="${relay}"]`)).toContainText('revoked');
  const refused = await push(request, key, [probe(model, `e2e-late-${run}`, 0, 1)]);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('invalid_api_key');
});

test('live tail shows a pushed row within its interval, and a read key reads it back', async ({ page, request }) => {
  const run = attempt();
  const model = `e2e-live-${run}`;
  const reader = `e2e reader ${run}`;
  await page.goto('/admin/keys');
  await page.waitForSelector('body[data-hydrated]');
  await page.fill('input[name=name]', `e2e live relay ${run}`);
  await page.getByRole('button', { name: 'Create' }).click();
  const ingestKey = (await page.getByTestId('new-key').innerText()).trim();
  await page.fill('input[name=name]', reader);
  await page.selectOption('select[name=scope]', 'read');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('new-key')).not.toHaveText(ingestKey);
  const readKey = (await page.getByTestId('new-key').innerText()).trim();
  await expect(page.locator(`tr[data-key-name="${reader}"] [data-testid="key-scope"]`)).toHaveText('read (every user\'s logs)');

  const row = (id: string) => ({ ...probe(model, id, 0, 0), request_id: `${id}-${run}` });
  expect((await push(request, ingestKey, [row('e2e-live-first')])).status()).toBe(200);
  await page.goto(`/logs?model=${model}`);
  await page.waitForSelector('body[data-hydrated]');
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await page.getByTestId('live').check();

  expect((await push(request, ingestKey, [row('e2e-live-second')])).status()).toBe(200);
  const arrived = page.locator('tr[data-new]');
  await expect(arrived).toHaveCount(1, { timeout: 15_000 });
  await expect(arrived.getByTestId('request-id')).toHaveText(`e2e-live-second-${run}`);
  await expect(page.getByTestId('result-count')).toHaveText('2 results');

  // An ingest key does not read; the read key does, with the same query as the page.
  expect((await request.get(`/api/v1/logs?model=${model}`, { headers: { Authorization: `Bearer ${ingestKey}` } })).status()).toBe(403);
  const read = await request.get(`/api/v1/logs?model=${model}`, { headers: { Authorization: `Bearer ${readKey}` } });
  expect(read.status()).toBe(200);
  const body = await read.json();
  expect(body.count).toBe(2);
  expect(body.rows.map((r: { request_id: string }) => r.request_id)).toEqual([`e2e-live-second-${run}`, `e2e-live-first-${run}`]);
});
