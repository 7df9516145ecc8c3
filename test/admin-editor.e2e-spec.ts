import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Frame, Page } from 'playwright-core';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const SHOTS = join(__dirname, '..', 'test-results');
const HEADING = 'Your day, checked by the editor test';
// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const BAD_LINE = 54;

// What the page.evaluate callbacks use of the browser (tsconfig has no DOM lib; these names stay in this module).
declare const document: { activeElement: unknown; querySelector(sel: string): { textContent: string | null } | null };
declare const sessionStorage: { getItem(key: string): string | null };
type Item = { dataset: Record<string, string | undefined>; querySelector(sel: string): { textContent: string | null } | null };
type TextArea = { value: string; selectionStart: number; scrollTop: number; setSelectionRange(start: number, end: number): void };
type Img = { complete: boolean; naturalWidth: number };
type Box = { clientWidth: number }; // the invalid tag goes on this line of the MJML

// The web editor at /admin, driven in headless Chromium against the real service.
describe('admin web editor in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let brandId: string;
  let templateId: string;
  let defaultMjml: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => browserErrors.push(`pageerror: ${e.message}`));
    // CSP violations and failed module loads surface as console errors
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) browserErrors.push(`console: ${m.text()} ${m.location().url}`);
    });
    mkdirSync(SHOTS, { recursive: true });
    const brands = await t.api('GET', '/v1/brands');
    brandId = brands.body.data.find((b: { isDefault: boolean }) => b.isDefault).id;
    // uploaded logos are served by this test instance, so the preview can load them
    expect((await t.api('PATCH', `/v1/brands/${brandId}`, { body: { publicBaseUrl: t.baseUrl } })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const el = (testid: string) => page.locator(`[data-testid="${testid}"]`);
  const mjml = () => el('code-mjml-input');
  const status = () => el('status').textContent();
  const previewFrame = async (): Promise<Frame> => {
    const frame = await (await page.$('[data-testid="preview-frame"]'))!.contentFrame();
    if (!frame) throw new Error('preview iframe has no frame');
    return frame;
  };
  // The HTML the browser actually shows in the preview iframe, once the preview is up to date and contains `text`.
  const previewShows = async (text: string, present = true) => {
    await waitFor(
      // The iframe may be reloading its srcdoc right then (content() throws): that is "not yet", not a failure.
      async () => (await el('preview-state').getAttribute('data-state')) === 'ok' && (await (await previewFrame()).content().catch(() => null))?.includes(text) === present,
      (ok) => ok,
      `preview ${present ? 'to show' : 'not to show'} ${text}`,
      15_000,
    );
  };
  const template = async () => (await t.api('GET', `/v1/templates/${templateId}`)).body;

  it('serves the page and its files without a key, with a strict CSP, nosniff and no inline script', async () => {
    const res = await t.api('GET', '/admin', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.body).toMatch(/<script type="module" src="\/admin\/app\.js"><\/script>/);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/ on[a-z]+=/);

    expect((await t.api('GET', '/admin/', { key: null })).status).toBe(200);
    const js = await t.api('GET', '/admin/app.js', { key: null });
    expect([js.status, js.headers.get('content-type'), js.headers.get('x-content-type-options')]).toEqual([200, 'text/javascript; charset=utf-8', 'nosniff']);
    expect((await t.api('GET', '/admin/admin.css', { key: null })).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = js.headers.get('etag')!;
    expect((await t.api('GET', '/admin/app.js', { key: null, headers: { 'if-none-match': etag } })).status).toBe(304);
    for (const path of ['/admin/nope.js', '/admin/admin.module.ts', '/admin/..%2Fadmin.module.ts', '/admin/%2E%2E%2F%2E%2E%2Fpackage.json']) {
      expect([path, (await t.api('GET', path, { key: null })).status]).toEqual([path, 404]);
    }
  });

  it('refuses an unknown API key with a clear message', async () => {
    await page.goto(`${t.baseUrl}/admin`);
    await el('login-key').fill('hd_nope_' + 'y'.repeat(32));
    await el('login-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="login-error"]')?.textContent !== '');
    expect(await el('login-error').textContent()).toMatch(/unknown or revoked/);
    expect(await page.evaluate(() => sessionStorage.getItem('hostdigest.apiKey'))).toBeNull();
  });

  it('logs in with a key kept in the session and lists brands and template kinds', async () => {
    await el('login-key').fill(ADMIN_KEY);
    await el('login-key').press('Enter');
    await page.locator(`[data-testid="brand-item"][data-brand-id="${brandId}"][aria-current="true"]`).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hostdigest.apiKey'))).toBe(ADMIN_KEY);
    // The kinds list loads after the brand is selected: wait for it rather than for a fixed time.
    await page.locator('[data-testid="kind-item"][data-kind="ticket.malware"] [data-testid="kind-state"]').waitFor();
    const kinds = await el('kind-item').evaluateAll((els: Item[]) => els.map((e) => [e.dataset.kind, e.querySelector('[data-testid="kind-state"]')?.textContent]));
    expect(kinds).toEqual([
      ['digest.daily', 'default'],
      ['digest.weekly', 'default'],
      ['digest.monthly', 'default'],
      ['ticket.malware', 'default'],
      ['alert.urgent', 'default'],
      ['rule.fired', 'default'],
      ['channel.security_event', 'default'],
      ['channel.rule.fired', 'default'],
      ['channel.digest.sent', 'default'],
    ]);
  });

  it('shows the shipped default read-only with its variables, and customizes it', async () => {
    await page.locator('[data-testid="kind-item"][data-kind="digest.daily"]').click();
    await el('customize').waitFor();
    await waitFor(() => mjml().inputValue(), (v) => v.startsWith('<mjml'), 'the default MJML');
    expect(await mjml().getAttribute('readonly')).not.toBeNull();
    expect(await el('variables-list').textContent()).toContain('brand.primaryColor');

    await el('customize').click();
    await el('save-draft').waitFor();
    await page.locator('[data-testid="kind-item"][data-kind="digest.daily"] [data-testid="kind-state"]', { hasText: 'overridden' }).waitFor();
    const list = await t.api('GET', `/v1/templates?brandId=${brandId}&kind=digest.daily`);
    expect(list.body.data).toHaveLength(1);
    templateId = list.body.data[0].id;
    expect(await template()).toMatchObject({ publishedVersion: 1, latestVersion: 1 });
    defaultMjml = await mjml().inputValue();
    expect(await mjml().getAttribute('readonly')).toBeNull();
    await previewShows('Daily security summary');
    expect(await el('preview-frame').getAttribute('sandbox')).toBe('');
    expect(await el('preview-subject').textContent()).toMatch(/Daily security summary/);
    await el('preview-tab-text').click();
    expect(await el('preview-text').textContent()).toMatch(/Daily security summary/);
    await el('preview-tab-html').click();
  });

  it('indents with Tab in the code editor, and Esc then Tab leaves it', async () => {
    await mjml().focus();
    await mjml().evaluate((ta: TextArea) => ta.setSelectionRange(0, 0));
    await page.keyboard.press('Tab');
    expect((await mjml().inputValue()).startsWith('  <mjml')).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await mjml().evaluate((ta) => document.activeElement === ta)).toBe(false);
    await mjml().fill(defaultMjml);
  });

  it('marks invalid MJML at its line in the gutter and the error list; clicking the error moves the caret there', async () => {
    const lines = defaultMjml.split('\n');
    lines.splice(BAD_LINE - 1, 0, '        <mj-bogus>not a component</mj-bogus>');
    await mjml().fill(lines.join('\n'));

    const issue = page.locator(`[data-testid="error-list"] [data-testid="issue"][data-part="mjml"][data-line="${BAD_LINE}"]`);
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/mj-bogus/);
    expect(await el('error-list').locator('[data-testid="issue"]').count()).toBe(1);
    expect(await page.locator(`[data-testid="code-mjml-gutter"] .gutter-line.err[data-line="${BAD_LINE}"]`).count()).toBe(1);
    expect(await page.locator('[data-testid="code-mjml-gutter"] .gutter-line.err').count()).toBe(1);
    expect(await el('preview-state').getAttribute('data-state')).toBe('stale');
    expect(await page.locator('[data-testid="part-tab-mjml"] .badge').textContent()).toBe('1');

    await el('part-tab-text').click(); // the error takes the editor back to the MJML part
    await issue.click();
    expect(await el('part-tab-mjml').getAttribute('aria-selected')).toBe('true');
    const caret = await mjml().evaluate((ta: TextArea) => ({ focused: document.activeElement === ta, line: ta.value.slice(0, ta.selectionStart).split('\n').length }));
    expect(caret).toEqual({ focused: true, line: BAD_LINE });
    // the gutter and the line marks follow the textarea's scroll: the marked line is beside its number, in view
    const gutterLine = (await page.locator(`[data-testid="code-mjml-gutter"] [data-line="${BAD_LINE}"]`).boundingBox())!;
    const mark = (await page.locator(`[data-testid="code-mjml"] .code-mark[data-line="${BAD_LINE}"]`).boundingBox())!;
    const area = (await mjml().boundingBox())!;
    expect(await mjml().evaluate((ta) => ta.scrollTop)).toBeGreaterThan(0);
    expect(Math.abs(gutterLine.y - mark.y)).toBeLessThanOrEqual(1);
    expect(mark.y).toBeGreaterThan(area.y);
    expect(mark.y + mark.height).toBeLessThan(area.y + area.height);

    // Saving refuses it as well, with the same line, and writes nothing.
    await el('save-draft').click();
    await waitFor(status, (s) => /Not saved/.test(s ?? ''), 'the refused save');
    expect(await issue.count()).toBe(1);
    expect((await template()).latestVersion).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'admin-editor-error.png') });
  });

  it('saves the fix as a draft, publishes it, and the preview shows the change', async () => {
    const fixed = defaultMjml.replace('{{t "digest.title.daily"}}</h1>', `${HEADING}</h1>`);
    expect(fixed).not.toBe(defaultMjml);
    await mjml().fill(fixed);
    await previewShows(HEADING);
    expect(await el('error-list').count()).toBe(0);
    expect(await page.locator('[data-testid="code-mjml-gutter"] .gutter-line.err').count()).toBe(0);
    await el('unsaved').waitFor();

    await el('version-note').fill('editor test heading');
    await el('save-draft').click();
    await waitFor(status, (s) => s === 'Saved draft v2.', 'the saved draft');
    expect(await template()).toMatchObject({ publishedVersion: 1, latestVersion: 2 });
    expect(await el('unsaved').count()).toBe(0);

    await el('publish').click();
    await waitFor(status, (s) => s === 'Published v2.', 'the publication');
    const published = await template();
    expect(published).toMatchObject({ publishedVersion: 2, latestVersion: 2, published: { version: 2, note: 'editor test heading' } });
    expect(published.published.mjml).toContain(HEADING);
    await previewShows(HEADING);
    expect(await el('published-version').textContent()).toBe('published v2');
  });

  it('shows an unsaved brand colour in the preview at once, and saves it to the brand', async () => {
    await el('tool-tab-brand').click();
    const before = (await t.api('GET', `/v1/brands/${brandId}`)).body.primaryColor;
    expect(before).not.toBe('#be123c');
    await el('brand-primaryColor').fill('#be123c');
    await previewShows('#be123c');
    expect((await t.api('GET', `/v1/brands/${brandId}`)).body.primaryColor).toBe(before);

    await el('brand-save').click();
    await waitFor(status, (s) => s === 'Brand saved.', 'the saved brand');
    expect((await t.api('GET', `/v1/brands/${brandId}`)).body.primaryColor).toBe('#be123c');
  });

  it('uploads a logo and shows it in the preview', async () => {
    await el('brand-logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await waitFor(status, (s) => s === 'Logo uploaded.', 'the uploaded logo');
    const brand = (await t.api('GET', `/v1/brands/${brandId}`)).body;
    expect(brand.logoUrl).toBe(`${t.baseUrl}/brand-assets/${brandId}/logo?v=${brand.version}`);
    expect(await el('brand-logoUrl').inputValue()).toBe(brand.logoUrl);
    await previewShows(`/brand-assets/${brandId}/logo?v=${brand.version}`);
    const logo = await (await previewFrame()).waitForSelector('img.hd-logo');
    await waitFor(() => logo.evaluate((img: Img) => img.complete && img.naturalWidth), (w) => w === 1, 'the logo to load in the preview');
  });

  it('previews at phone width', async () => {
    const viewportWidth = () => el('preview-frame').evaluate((f: Box) => f.clientWidth);
    await el('device-phone').click();
    expect(await el('device-phone').getAttribute('aria-pressed')).toBe('true');
    expect(await viewportWidth()).toBe(375);
    await page.screenshot({ path: join(SHOTS, 'admin-editor-phone.png') });
    await el('device-desktop').click();
    expect(await viewportWidth()).toBeGreaterThanOrEqual(600);
  });

  it('rolls back to the earlier version from the versions list', async () => {
    await el('tool-tab-versions').click();
    const rows = await el('version-row').evaluateAll((els: Item[]) => els.map((e) => [e.dataset.version, e.dataset.status]));
    expect(rows).toEqual([['2', 'published'], ['1', 'archived']]);
    await page.screenshot({ path: join(SHOTS, 'admin-editor.png') });

    await page.locator('[data-testid="version-row"][data-version="1"] [data-testid="version-rollback"]').click();
    await waitFor(status, (s) => s === 'Rolled back: v1 is published.', 'the rollback');
    expect(await template()).toMatchObject({ publishedVersion: 1, latestVersion: 2 });
    await previewShows(HEADING, false);
    await previewShows('Daily security summary');
    expect(await mjml().inputValue()).toBe(defaultMjml);
    await page.locator('[data-testid="version-row"][data-version="1"][data-status="published"]').waitFor();
    await page.locator('[data-testid="version-row"][data-version="2"] [data-testid="version-publish"]').waitFor();
  });

  it('edits a channel kind in its four parts, and the preview shows the message as the channel gets it', async () => {
    await page.locator('[data-testid="kind-item"][data-kind="channel.security_event"]').click();
    await el('customize').waitFor();
    await waitFor(() => el('code-body-input').inputValue(), (v) => v.includes('channel.field.threat'), 'the default body');
    const tabs = await page.locator('[data-testid^="part-tab-"]').evaluateAll((els: Item[]) => els.map((e) => e.dataset.part));
    expect(tabs).toEqual(['title', 'body', 'link', 'severity']);
    await el('customize').click();
    await el('save-draft').waitFor();
    await previewShows('PHP.Webshell.WSO');
    expect(await el('preview-subject').textContent()).toBe('High detection: PHP.Webshell.WSO on shop.sonnenschein-bakery.example');
    await el('code-body-input').fill('Seen on {{where}} by the editor test');
    await previewShows('Seen on shop.sonnenschein-bakery.example by the editor test');
    await el('save-draft').click();
    await waitFor(status, (s) => s === 'Saved draft v2.', 'the saved channel draft');
    const list = await t.api('GET', `/v1/templates?brandId=${brandId}&kind=channel.security_event`);
    const saved = await t.api('GET', `/v1/templates/${list.body.data[0].id}/versions/2`);
    expect(saved.body).toMatchObject({ status: 'draft', body: 'Seen on {{where}} by the editor test', mjml: '' });
  });

  it('ran without script errors or CSP violations in the page', () => {
    expect(browserErrors).toEqual([]);
  });
});
