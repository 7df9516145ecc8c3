import { customerWithSites, EventSpec, Fixture, fixClock, insertEvents, orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// Berlin, week of Mon 16 – Sun 22 November 2026; the weekly digest is due Mon 23 Nov 08:00 local (07:00 UTC).
const DUE = '2026-11-23T07:00:30Z';
const HOSTILE_NAME = '"><img src=x onerror=alert(1)>';
const HOSTILE_PATH = '/home/acme/public_html/<script>alert("p")</script>.php';

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/'));

// The hosted customer page that digests link to when the brand has no portal: every link of a mail answers, the page
// shows this customer's state only, and its links expire and can be revoked.
describe('customer page', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;
  let acme: Fixture;
  let other: Fixture;
  let mailHtml: string;
  let mailText: string;
  let pageUrl: string;

  // The service's public base URL is http://localhost:<configured port>; the test instance listens elsewhere.
  const local = (u: string) => u.replace(/^http:\/\/localhost:\d+/, t.baseUrl);
  const get = async (u: string) => {
    const res = await fetch(local(u));
    return { status: res.status, body: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_PER_MINUTE: '100000' });
    org = await orgId(t);
    fixClock(t, '2026-11-20T12:00:00Z');
    acme = await customerWithSites(t, 'acme', { emails: ['owner@acme.example'], sites: 27 });
    other = await customerWithSites(t, 'other', { sites: 1 });
    await subscribe(t, acme.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    const events: EventSpec[] = [
      { kind: 'detection', severity: 'critical', site: 0, at: '2026-11-18T09:00:00Z', path: HOSTILE_PATH, threat: HOSTILE_NAME },
      { kind: 'detection', severity: 'high', site: 1, at: '2026-11-18T09:00:00Z', path: '/home/acme/s1/wp-content/cleaned.php', threat: 'PHP.Webshell.WSO' },
      { kind: 'cleanup', site: 1, at: '2026-11-18T10:00:00Z', path: '/home/acme/s1/wp-content/cleaned.php' },
      // Cleaned 1 Nov 00:30 in Berlin (still 31 Oct in UTC): this month for the customer.
      { kind: 'quarantine', site: 2, at: '2026-10-31T23:30:00Z', path: '/home/acme/s2/local-november.php' },
      // Cleaned 31 Oct 23:30 in Berlin: last month for the customer.
      { kind: 'cleanup', site: 2, at: '2026-10-31T22:30:00Z', path: '/home/acme/s2/local-october.php' },
      { kind: 'protection_changed', site: 3, at: '2026-11-01T00:00:00Z', vendorType: 'protection_disabled', raw: { data: { mode: 'off' } } },
    ];
    // More open threats than a digest lists, so that it carries its "and N more threats" link.
    for (let i = 0; i < 22; i++) events.push({ kind: 'detection', severity: 'medium', site: 4, at: '2026-11-19T09:00:00Z', path: `/home/acme/s4/m${i}.php`, threat: `Medium.${i}` });
    await insertEvents(t, org, acme, events);
    await insertEvents(t, org, other, [{ kind: 'detection', severity: 'high', site: 0, at: '2026-11-18T09:00:00Z', path: '/home/other/secret-of-other.php', threat: 'Other.Threat' }]);

    fixClock(t, DUE);
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).body).toMatchObject({ queued: 1 });
    await waitFor(async () => sink.to('owner@acme.example').length, (n) => n === 1, 'the digest mail');
    const mail = await sink.to('owner@acme.example')[0].parse();
    mailHtml = String(mail.html);
    mailText = mail.text ?? '';
    pageUrl = hrefs(mailHtml).find((h) => /\/p\/[A-Za-z0-9_-]{64}$/.test(h))!;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('gives every link of a digest with the default brand a page that answers 200', async () => {
    expect(pageUrl).toMatch(/^http:\/\/localhost:\d+\/p\/[A-Za-z0-9_-]{64}$/);
    const links = hrefs(mailHtml).filter((h) => !h.startsWith('mailto:'));
    // the dashboard button, "review now", "and N more threats", "and N more sites", a link per site, support
    expect(links).toEqual(expect.arrayContaining([pageUrl, `${pageUrl}#threats`, `${pageUrl}#sites`, `${pageUrl}#site-${acme.siteIds[0]}`]));
    expect(links.every((h) => !/^http:\/\/localhost:\d+\/?(#.*)?$/.test(h))).toBe(true); // never the bare root
    const textLinks = mailText.match(/https?:\/\/\S+/g) ?? [];
    expect(textLinks.length).toBeGreaterThan(3);
    for (const href of new Set([...links, ...textLinks])) {
      const res = await get(href);
      expect([href, res.status]).toEqual([href, 200]);
    }
  });

  it("shows this customer's sites, open threats with their paths, what was cleaned in the local month and protection, escaped", async () => {
    const page = await get(pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = page.body;
    expect(html).toContain('Security status of Customer acme');
    expect(html).toMatch(/security summary for <strong>Nov 16\s–\s22, 2026<\/strong>/u);
    expect(html).toContain(`id="site-${acme.siteIds[0]}"`);
    expect(html).toContain('s26.acme.example'); // every site, beyond the digest's list
    expect(html).toContain('/home/acme/s4/m21.php');
    // The hostile name and path are shown as text, never as markup.
    expect(html).toContain('&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt;.php');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    // Cleaned in the customer's November (Berlin), not in the UTC month.
    expect(html).toContain('cleaned in November 2026');
    expect(html).toContain('/home/acme/s2/local-november.php');
    expect(html).not.toContain('local-october.php');
    expect(html).toMatch(/Cleaned [^<]*<br><code>\/home\/acme\/s1\/wp-content\/cleaned\.php<\/code>/);
    const site3 = html.slice(html.indexOf(`id="site-${acme.siteIds[3]}"`));
    expect(site3.slice(0, 400)).toContain('Not protected');
    // 23 open threats (the cleaned one is not open); nothing of the other customer.
    expect(html).toMatch(/<b>23<\/b>open threats/);
    expect(html).not.toContain('other.example');
    expect(html).not.toContain('secret-of-other');
    // No support URL on the default brand: no dead support link.
    expect(html).not.toContain('>Support</a>');
  });

  it('answers an expired link with a clear 410 page, and follows the TTL the brand sets', async () => {
    const brandId = (await t.api('GET', '/v1/brands')).body.data.find((b: { isDefault: boolean }) => b.isDefault).id;
    expect((await t.api('GET', `/v1/brands/${brandId}`)).body.customerPageTtlDays).toBe(90);
    fixClock(t, '2027-02-21T07:00:31Z'); // 90 days after the mail
    const expired = await get(pageUrl);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
    expect((await t.api('PATCH', `/v1/brands/${brandId}`, { body: { customerPageTtlDays: 365 } })).body).toMatchObject({ customerPageTtlDays: 365 });
    expect((await get(pageUrl)).status).toBe(200);
    for (const bad of [0, 3651, 1.5, '30', null]) {
      const res = await t.api('PATCH', `/v1/brands/${brandId}`, { body: { customerPageTtlDays: bad } });
      expect([res.status, res.body.field]).toEqual([400, 'customerPageTtlDays']);
    }
    expect((await t.api('PATCH', `/v1/brands/${brandId}`, { body: { customerPageTtlDays: 90 } })).status).toBe(200);
    fixClock(t, DUE);
  });

  it('stops every earlier link when the operator revokes them; a new link works; a forged one is 404', async () => {
    const fresh = await t.api('POST', `/v1/customers/${acme.customerId}/page-links`);
    expect(fresh.status).toBe(201);
    expect(fresh.body.url).toMatch(/\/p\/[A-Za-z0-9_-]{64}$/);
    fixClock(t, '2026-11-23T08:00:00Z');
    const revoked = await t.api('POST', `/v1/customers/${acme.customerId}/page-links/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ customerId: acme.customerId, revokedBefore: '2026-11-23T08:00:00.000Z' });
    for (const old of [pageUrl, fresh.body.url]) {
      const res = await get(old);
      expect(res.status).toBe(410);
      expect(res.body).toContain('This link is no longer valid');
    }
    fixClock(t, '2026-11-23T08:00:01Z');
    const after = await t.api('POST', `/v1/customers/${acme.customerId}/page-links`);
    expect(after.body.expiresAt).toBe('2027-02-21T08:00:01.000Z');
    expect((await get(after.body.url)).status).toBe(200);
    // The other customer's links are untouched.
    const otherLink = (await t.api('POST', `/v1/customers/${other.customerId}/page-links`)).body.url;
    const otherPage = await get(otherLink);
    expect(otherPage.status).toBe(200);
    expect(otherPage.body).toContain('secret-of-other.php');
    expect(otherPage.body).not.toContain('acme.example');

    const token = after.body.url.slice(after.body.url.lastIndexOf('/') + 1);
    const forged = `${t.baseUrl}/p/${token.slice(0, 40)}${token[40] === 'A' ? 'B' : 'A'}${token.slice(41)}`;
    for (const u of [forged, `${t.baseUrl}/p/nope`, `${t.baseUrl}/p/${'A'.repeat(64)}`]) {
      const res = await get(u);
      expect(res.status).toBe(404);
      expect(res.body).toContain('This link is not valid');
    }
    expect((await t.api('POST', '/v1/customers/00000000-0000-4000-8000-000000000000/page-links/revoke')).status).toBe(404);
    expect((await t.api('POST', `/v1/customers/${acme.customerId}/page-links/revoke`, { key: null })).status).toBe(401);
    fixClock(t, DUE);
  });

  it('links a brand with a portal to the portal, and its support link to its support page', async () => {
    const brand = (await t.api('POST', '/v1/brands', {
      body: { name: 'Portal Hosting', portalUrl: 'https://portal.host.example/security/', supportUrl: 'https://host.example/help' },
    })).body;
    expect((await t.api('PATCH', `/v1/customers/${acme.customerId}`, { body: { brandId: brand.id } })).status).toBe(200);
    const preview = await t.api('POST', '/v1/digests/preview', { body: { customerId: acme.customerId, cadence: 'weekly' } });
    expect(preview.status).toBe(200);
    const links = hrefs(preview.body.html).filter((h) => !/\/u\/[^/]+$|\/u\/[^/]+\?unsubscribe=1$/.test(h));
    expect(links).toEqual(expect.arrayContaining([
      'https://portal.host.example/security', 'https://portal.host.example/security#threats', 'https://portal.host.example/security#sites',
      `https://portal.host.example/security#site-${acme.siteIds[0]}`, 'https://host.example/help',
    ]));
    expect(links.filter((h) => !h.startsWith('https://portal.host.example/security') && h !== 'https://host.example/help')).toEqual([]);
    expect(preview.body.html).not.toMatch(/\/p\/[A-Za-z0-9_-]{64}/);
    expect((await t.api('PATCH', `/v1/customers/${acme.customerId}`, { body: { brandId: null } })).status).toBe(200);
  });

  it("shows the brand's footer and legal text in the customer's locale, falling back to the default", async () => {
    const brand = (await t.api('POST', '/v1/brands', {
      body: { name: 'Lokal Hosting', footerText: 'Default footer', legalText: 'Default legal', localized: { de: { footerText: 'Deutsche Fußzeile' } } },
    })).body;
    const berlin = await customerWithSites(t, 'berlin', { locale: 'de-AT', sites: 1 });
    expect((await t.api('PATCH', `/v1/customers/${berlin.customerId}`, { body: { brandId: brand.id } })).status).toBe(200);
    const page = await get((await t.api('POST', `/v1/customers/${berlin.customerId}/page-links`)).body.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Deutsche Fußzeile');
    expect(page.body).not.toContain('Default footer');
    expect(page.body).toContain('Default legal');
  });

  it("gives an urgent alert's links (default brand) pages that answer 200", async () => {
    const f = await customerWithSites(t, 'alerty', { sites: 1 });
    await subscribe(t, f.customerId, { cadence: 'daily', urgentKinds: ['detection'] });
    const pushed = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'scanner', externalId: 'alert-1', kind: 'detection', severity: 'critical', occurredAt: '2026-11-23T06:00:00Z', domain: 'alerty.example', filePath: '/home/alerty/x.php', threatName: 'PHP.Webshell' }] },
    });
    expect(pushed.status).toBe(200);
    await waitFor(async () => sink.to('it@alerty.example').length, (n) => n === 1, 'the alert');
    const mail = await sink.to('it@alerty.example')[0].parse();
    const links = [...new Set([...hrefs(String(mail.html)), ...(mail.text?.match(/https?:\/\/\S+/g) ?? [])])].filter((h) => !h.startsWith('mailto:'));
    expect(links).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`/p/[A-Za-z0-9_-]{64}#site-${f.siteIds[0]}$`))]));
    for (const href of links) expect([href, (await get(href)).status]).toEqual([href, 200]);
    expect((await get(links.find((h) => h.includes('/p/'))!)).body).toContain('/home/alerty/x.php');
  });
});
