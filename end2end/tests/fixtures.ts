// Every browser test's page reports what the page itself said went wrong: uncaught errors
// (a panic in the wasm shows up here), console errors and failed requests. They are printed
// and attached when a test fails, so a page that never hydrated says why.
import { test as base, expect } from '@playwright/test';
export type { APIRequestContext, Browser, Page } from '@playwright/test';

export const test = base.extend<{ pageDiagnostics: void }>({
  pageDiagnostics: [
    async ({ page }, use, testInfo) => {
      const seen: string[] = [];
      page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}\n${e.stack ?? ''}`));
      page.on('console', (m) => {
        if (m.type() === 'error') seen.push(`console.error: ${m.text()}`);
      });
      // Which answer each navigation got, so a page that never hydrated shows its headers.
      page.on('response', (r) => {
        if (r.request().resourceType() !== 'document') return;
        const h = r.headers();
        seen.push(`document: ${r.status()} ${r.url()} content-security-policy: ` +
          `${(h['content-security-policy'] ?? '(none)').slice(0, 60)} content-length: ` +
          `${h['content-length'] ?? '(none)'} content-encoding: ${h['content-encoding'] ?? '(none)'}`);
      });
      page.on('requestfailed', (r) =>
        seen.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus && seen.length > 0) {
        const text = seen.join('\n');
        console.log(`[${testInfo.title}] what the page reported:\n${text}`);
        await testInfo.attach('page-diagnostics', { body: text, contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
});
export { expect };
