import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { customerWithSites, EventSpec, Fixture, fixClock, insertEvents, orgId } from './support/digest-fixtures';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const SHOTS = join(__dirname, '..', 'test-results');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const LONG_PATH = `/home/${'averyveryverylongaccountname'.repeat(3)}/public_html/${'wp-content/plugins/'.repeat(12)}${'x'.repeat(120)}.php`;

// What the page.evaluate callbacks use of the browser (tsconfig has no DOM lib).
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  body: { scrollWidth: number };
  querySelectorAll(sel: string): ArrayLike<{ tagName: string; getBoundingClientRect(): { right: number; left: number } }>;
};
declare const window: { innerHeight: number; getComputedStyle(e: unknown): { fontSize: string } };
type Img = { complete: boolean; naturalWidth: number };

// The hosted customer page in headless Chromium on a 375 px wide phone screen: nothing runs off the side, however long
// the domains, paths and threat names; the brand's logo shows; hostile event data stays text.
describe('customer page in a real browser at 375 px', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let f: Fixture;
  let url: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const org = await orgId(t);
    fixClock(t, '2026-11-20T12:00:00Z');
    const brand = (await t.api('POST', '/v1/brands', { body: { name: 'Northwind Hosting', primaryColor: '#0b5fff', logoWidth: 300, publicBaseUrl: t.baseUrl, footerText: 'Northwind Hosting · 1 Long Street · Springfield', legalText: 'You receive this because you host with us.' } })).body;
    const logo = await fetch(`${t.baseUrl}/v1/brands/${brand.id}/logo`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'image/png' }, body: PNG });
    expect(logo.status).toBe(200);
    f = await customerWithSites(t, `${'long-subdomain-label-'.repeat(2)}shop`, { sites: 3 });
    expect((await t.api('PATCH', `/v1/customers/${f.customerId}`, { body: { brandId: brand.id, name: `Customer ${'W'.repeat(80)}` } })).status).toBe(200);
    const events: EventSpec[] = [
      { kind: 'detection', severity: 'critical', site: 0, at: '2026-11-18T09:00:00Z', path: LONG_PATH, threat: `PHP.${'Obfuscated'.repeat(12)}<img src=x onerror=alert(1)>` },
      { kind: 'detection', severity: 'high', site: 1, at: '2026-11-18T09:00:00Z', path: '/home/shop/<script>alert(2)</script>.php', threat: 'Webshell' },
      { kind: 'cleanup', site: 2, at: '2026-11-03T09:00:00Z', path: `/tmp/${'y'.repeat(200)}` },
      { kind: 'protection_changed', site: 2, at: '2026-11-01T00:00:00Z', vendorType: 'protection_disabled', raw: { data: { mode: 'off' } } },
    ];
    await insertEvents(t, org, f, events);
    url = (await t.api('POST', `/v1/customers/${f.customerId}/page-links`)).body.url;
    expect(url).toMatch(new RegExp(`^${t.baseUrl}/p/`));

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`); // CSP violations surface here
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('fits 375 px without horizontal scrolling, shows the logo and keeps hostile data as text', async () => {
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await page.getByRole('heading', { name: /Security status of Customer W+/ }).waitFor();
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, body: document.body.scrollWidth }));
    expect(widths).toEqual({ doc: 375, client: 375, body: 375 });
    const over = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *')).filter((e) => { const r = e.getBoundingClientRect(); return r.right > 375.5 || r.left < -0.5; }).map((e) => e.tagName));
    expect(over).toEqual([]);
    const img = page.locator('header img');
    expect(await img.evaluate((e: Img) => e.complete && e.naturalWidth)).toBe(1);
    expect((await img.boundingBox())!.width).toBeLessThanOrEqual(343); // 375 − 2 × 16 px padding
    // The long path is there, wrapped, as text; the hostile name too.
    await expect(page.getByText(LONG_PATH).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('<script>alert(2)</script>', { exact: false }).first().isVisible()).resolves.toBe(true);
    expect(await page.locator('img').count()).toBe(1); // the logo, no injected image
    const fontSize = await page.locator('code').first().evaluate((e) => window.getComputedStyle(e).fontSize);
    expect(parseFloat(fontSize)).toBeGreaterThanOrEqual(13);
    expect(await page.getByText('Not protected', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'customer-page-375.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("jumps to a site's card from a digest's site link", async () => {
    await page.goto(`${url}#site-${f.siteIds[2]}`);
    const box = (await page.locator(`#site-${f.siteIds[2]}`).boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(-1);
    expect(box.y).toBeLessThan(await page.evaluate(() => window.innerHeight));
    expect(problems).toEqual([]);
  });
});
