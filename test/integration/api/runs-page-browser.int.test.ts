import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, startHarness, type Harness } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');
const SYNC = 'trata-to-powerchord';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`runs page browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let h: Harness;
let browser: BrowserContext;
let baseUrl: string;
let profile: string;

beforeAll(async () => {
  if (!hasChromium) return;
  h = await startHarness({ workers: true, seed: 6 });
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  profile = mkdtempSync(path.join(tmpdir(), 'cb-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    javaScriptEnabled: false, // the page is read and used without JavaScript
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('runs page in headless Chromium, without JavaScript', () => {
  it('signs in, starts a run and sees it finish, sees a record error, retries it and sees it clear', { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    const reloadUntil = async (text: string) => {
      for (let i = 0; i < 100 && !(await page.content()).includes(text); i++) {
        await page.waitForTimeout(200);
        await page.reload();
      }
      expect(await page.content()).toContain(text);
    };

    await page.goto(`${baseUrl}/admin/runs`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/admin/runs`);

    // One of the seeded prospects carries a status the mapping rejects.
    const bad = h.trata.store.all()[0]!;
    h.trata.store.modify(bad.id, { status: 'ON_HOLD' });
    await page.getByRole('row', { name: new RegExp(SYNC) }).getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(`${baseUrl}/admin/runs/${SYNC}?**`);
    expect(await page.getByRole('status').textContent()).toMatch(/^Run run-\S+ started\.$/);
    await reloadUntil('class="PARTIAL_SUCCESS">PARTIAL_SUCCESS');
    await page.getByText('Failed now (1)').waitFor();
    await page.getByText('no status mapping for "ON_HOLD"').first().waitFor();

    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, 'runs-page.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);

    // Fixed at the source, retried alone from its row.
    h.trata.store.modify(bad.id, { status: 'NEW' });
    await page.getByRole('row', { name: new RegExp(bad.id.replaceAll('.', '\\.')) }).getByRole('button', { name: 'Retry' }).click();
    expect(await page.getByRole('status').textContent()).toMatch(/^Retry retry-\S+ started/);
    await reloadUntil('Failed now (0)');
    await page.getByText('No record is failed now.').waitFor();
    await page.close();
  });
});
