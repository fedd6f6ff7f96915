import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, auth, startHarness, type Harness } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

let h: Harness;
let browser: BrowserContext;
let baseUrl: string;
let profile: string;
let runId: string;

beforeAll(async () => {
  if (!hasChromium) return;
  h = await startHarness({ workers: true, seed: 6 });
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  // A completed run for the dashboard to show.
  runId = (await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth(), payload: { full: true } })).json().job_id;
  for (let i = 0; i < 200; i++) {
    if ((await h.app.inject({ method: 'GET', url: `/v1/jobs/${runId}`, headers: auth() })).json().status === 'SUCCESS') break;
    await sleep(100);
  }
  profile = mkdtempSync(path.join(tmpdir(), 'cb-chromium-'));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1680, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  it('signs in, sees every queue and the completed run, and saves a screenshot', async () => {
    const page = await browser.newPage();
    // Not signed in: the dashboard sends the browser to the sign-in form.
    await page.goto(`${baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#token', 'wrong-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('not valid');

    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/admin/queues**`);
    for (const queue of ['sync', 'push-powerchord', 'push-propexo', 'push-trata', 'push-overplane']) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }

    await page.goto(`${baseUrl}/admin/queues/queue/sync?status=completed`);
    await page.getByText(runId).first().waitFor({ timeout: 15_000 });
    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    await page.close();
  });
});
