import { DIGEST_SIZE_BUDGET } from '../src/digests/digest-fit';
import { fixClock, customerWithSites, Fixture, ledger, orgId, subscribe } from './support/digest-fixtures';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// What a customer reads in a digest: a message Gmail does not clip whatever the customer's size, headline figures
// that add up and match /v1/stats, "this month" in the customer's own month, the brand's footer in its language.

// Berlin, week of Mon 16 – Sun 22 November 2026; the weekly digest is due Mon 23 Nov 08:00 local.
const WEEK = { start: '2026-11-15T23:00:00.000Z', end: '2026-11-22T23:00:00.000Z' };
const DUE = '2026-11-23T07:00:30Z';

// A part as it went over SMTP: its MIME headers and base64 body, up to the next boundary line.
function encodedPart(mail: ReceivedMail, type: 'html' | 'plain'): number {
  const raw = mail.raw.toString('latin1');
  const start = raw.search(new RegExp(`Content-Type: text/${type}`, 'i'));
  if (start < 0) throw new Error(`no text/${type} part`);
  return raw.indexOf('\r\n--', start) - start;
}

// Under budget as Gmail may count it: the HTML part, both parts, the whole message (102 KB).
function expectUnderBudget(mail: ReceivedMail): number {
  const html = encodedPart(mail, 'html');
  expect(html).toBeLessThan(DIGEST_SIZE_BUDGET);
  expect(html + encodedPart(mail, 'plain')).toBeLessThanOrEqual(DIGEST_SIZE_BUDGET);
  expect(mail.raw.length).toBeLessThan(102 * 1024);
  return html;
}

let seq = 0;

async function sql(t: TestApp, text: string, params: unknown[]): Promise<any[]> {
  return t.db.dataSource.query(text, params);
}

// Many threats at once: one detection (and, when `then` is given, a later event of that kind) per (site, path).
async function threats(t: TestApp, org: string, f: Fixture, list: { site: number; path: string; at: string; then?: string; process?: string }[]): Promise<void> {
  for (const e of list) {
    const kinds = e.process ? [e.then ?? 'process_killed'] : ['detection', ...(e.then ? [e.then] : [])];
    for (const [i, kind] of kinds.entries()) {
      await sql(t, `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, severity, severity_rank, domain, file_path, process,
                                        threat_name, occurred_at, customer_id, site_id, match_rule, raw)
                    VALUES ($1, 'push:test', $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'dom', '{}')`,
      [org, `c-${process.pid}-${seq++}`, kind, kind === 'detection' ? 'high' : null, kind === 'detection' ? 3 : 0, f.domains[e.site],
        e.process ? null : e.path, e.process ?? null, e.process ? 'Miner' : 'PHP.Webshell', new Date(new Date(e.at).getTime() + i * 60_000), f.customerId, f.siteIds[e.site]]);
    }
  }
}

// Sites straight into the table (thousands: the API would take minutes).
async function manySites(t: TestApp, org: string, ref: string, n: number, domain: (i: number) => string): Promise<Fixture> {
  const f = await customerWithSites(t, ref, { sites: 0 });
  const rows = await sql(t, `INSERT INTO sites (organization_id, customer_id, domains)
                             SELECT $1, $2, ARRAY[d] FROM unnest($3::text[]) WITH ORDINALITY AS x(d, i) ORDER BY i RETURNING id, domains[1] AS domain`,
  [org, f.customerId, Array.from({ length: n }, (_, i) => domain(i))]);
  return { customerId: f.customerId, siteIds: rows.map((r) => r.id), domains: rows.map((r) => r.domain) };
}

describe('digest content: size budget, figures that add up, local month, localized brand text', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_PER_MINUTE: '10000' });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  async function sendWeekly(f: Fixture, email: string): Promise<{ mail: ReceivedMail; parsed: Awaited<ReturnType<ReceivedMail['parse']>> }> {
    fixClock(t, DUE);
    const run = await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    expect(run.status).toBe(202);
    await waitFor(async () => sink.to(email).length, (n) => n === 1, `the digest to ${email}`, 30_000);
    const mail = sink.to(email)[0];
    return { mail, parsed: await mail.parse() };
  }

  it('keeps a customer with 3,000 sites and long domains and paths under the budget, and says the rest is on the page', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const ref = 'huge';
    const f = await manySites(t, org, ref, 3000, (i) => `customer-site-number-${String(i).padStart(4, '0')}.${'a-rather-long-subdomain-label-'.repeat(4)}${ref}.example`);
    await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    const long = (i: number) => `/home/customer${i}/public_html/wp-content/plugins/${'deeply-nested-directory/'.repeat(12)}payload-${i}.php`;
    await threats(t, org, f, Array.from({ length: 60 }, (_, i) => ({ site: i % 40, path: long(i), at: '2026-11-18T09:00:00Z', then: i % 3 ? undefined : 'cleanup' })));
    const { mail, parsed } = await sendWeekly(f, `it@${ref}.example`);

    const size = expectUnderBudget(mail); // measured: 86,563 (100,381 before the fit); message 96,954 (118,950)
    expect(size).toBeGreaterThan(DIGEST_SIZE_BUDGET * 0.6); // it lists what fits, not nothing
    const html = String(parsed.html);
    const listed = (html.match(/customer-site-number-/g) ?? []).length;
    const more = /and ([\d,]+) more sites, listed on your security page/.exec(html);
    expect(more).not.toBeNull();
    expect(Number(more![1].replace(/,/g, ''))).toBeGreaterThanOrEqual(3000 - 25);
    expect(html).toMatch(/and \d+ more threats, listed on your security page/);
    expect(listed).toBeGreaterThan(5);
    expect(html).toContain('…'); // long domains and paths shortened in the middle
    expect(html).toMatch(/payload-\d+\.php/); // ... keeping the file name
    expect(html).toContain('Unsubscribe'); // the footer survives
    const [row] = await ledger(t, f.customerId);
    expect(row.counts).toMatchObject({ sites: 3000, threats: 60, htmlPartBytes: size });
  });

  it('keeps a customer with 25 sites and 20+ threats under the budget, and says the rest is on the page', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const ref = 'midsize';
    const f = await manySites(t, org, ref, 25, (i) => `www.shop-${i}-${ref}-hosting-customer.example`);
    await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await threats(t, org, f, Array.from({ length: 45 }, (_, i) => ({
      site: i % 25, path: `/home/shop${i % 25}/public_html/wp-content/uploads/2026/11/cache/${'x'.repeat(40)}-${i}.php`, at: '2026-11-18T09:00:00Z',
    })));
    const { mail, parsed } = await sendWeekly(f, `it@${ref}.example`);
    expectUnderBudget(mail); // measured: 86,921 (92,577 before the fit); message 97,195 (103,957)
    const html = String(parsed.html);
    expect(html).toMatch(/and \d+ more threats?, listed on your security page/);
    expect(parsed.text).toMatch(/and \d+ more threats?, listed on your security page: http/);
    expect(html).toContain('Unsubscribe');
  });

  it('shows threats = cleaned + outstanding in the text, the HTML and the ledger, the same as /v1/stats for the period', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const ref = 'mixed';
    const f = await customerWithSites(t, ref);
    await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await threats(t, org, f, [
      { site: 0, path: '/home/mixed/x.php', at: '2026-11-17T09:00:00Z', then: 'cleanup' }, // cleaned
      { site: 0, path: '/home/mixed/y.php', at: '2026-11-17T10:00:00Z' }, // outstanding ...
      { site: 0, path: '/home/mixed/y.php', at: '2026-11-19T10:00:00Z' }, // ... detected twice: one threat
      { site: 1, path: '/home/mixed/z.php', at: '2026-11-18T09:00:00Z', then: 'quarantine' }, // cleaned (quarantined)
      { site: 1, path: '', process: 'kdevtmpfsi', at: '2026-11-18T11:00:00Z' }, // a stopped process: cleaned
      { site: 1, path: '', process: 'xmrig', at: '2026-11-19T11:00:00Z', then: 'process_blocked' }, // blocked: cleaned
      { site: 1, path: '/home/mixed/w.php', at: '2026-11-20T09:00:00Z', then: 'file_restored' }, // restored: outstanding
      { site: 1, path: '/home/mixed/old.php', at: '2026-11-10T09:00:00Z' }, // the week before
    ]);
    const { parsed } = await sendWeekly(f, `it@${ref}.example`);
    const figure = (label: string) => Number(new RegExp(`^${label}: (\\d+) ·`, 'm').exec(String(parsed.text))?.[1]);
    const [threatCount, cleaned, outstanding] = [figure('Threats'), figure('Cleaned'), figure('Outstanding')];
    expect([threatCount, cleaned, outstanding]).toEqual([6, 4, 2]);
    expect(cleaned + outstanding).toBe(threatCount);
    // The HTML shows the same three, in the same order, and the preview line says so.
    const html = String(parsed.html);
    const figures = [...html.matchAll(/class="hd-fig hd-strong"[^>]*>(\d+)</g)].map((m) => Number(m[1]));
    expect(figures.slice(0, 3)).toEqual([6, 4, 2]);
    expect(html).toContain('6 threats: 4 cleaned, 2 outstanding.');
    const [row] = await ledger(t, f.customerId);
    expect(row.counts).toMatchObject({ threats: 6, cleaned: 4, outstanding: 2, detections: 5 });

    const stats = await t.api('GET', `/v1/stats?customerId=${f.customerId}&from=${WEEK.start}&to=${WEEK.end}`);
    expect(stats.status).toBe(200);
    expect(stats.body.rows).toHaveLength(1);
    expect(stats.body.rows[0]).toMatchObject({ customerId: f.customerId, threats: { total: 6, cleaned: 4, outstanding: 2 }, counts: { detection: 5 } });
    const bySite = await t.api('GET', `/v1/stats?customerId=${f.customerId}&groupBy=site&from=${WEEK.start}&to=${WEEK.end}`);
    const site = (i: number) => bySite.body.rows.find((r: { siteId: string }) => r.siteId === f.siteIds[i]).threats;
    expect([site(0), site(1)]).toEqual([{ total: 2, cleaned: 1, outstanding: 1 }, { total: 4, cleaned: 3, outstanding: 1 }]);
  });

  it('counts "sites cleaned this month" in the customer\'s own month (Pacific/Auckland), in the digest and in /v1/stats', async () => {
    // Local Tue 1 Dec 2026 in Auckland (NZDT, UTC+13) is 30 Nov 11:00Z – 1 Dec 11:00Z; the daily digest for it is
    // sent Wed 2 Dec 08:00 local (1 Dec 19:00Z). In UTC both cleanups below are in November.
    fixClock(t, '2026-11-29T12:00:00Z');
    const ref = 'auckland';
    const f = await customerWithSites(t, ref, { timeZone: 'Pacific/Auckland', sites: 3 });
    await subscribe(t, f.customerId, { cadence: 'daily', sendTime: '08:00' });
    await threats(t, org, f, [
      { site: 0, path: '/a.php', at: '2026-11-30T12:00:00Z', then: 'cleanup' }, // local 1 Dec 01:00: this month
      { site: 1, path: '', process: 'miner', at: '2026-11-30T20:00:00Z' }, // local 1 Dec 09:00, a stopped process: this month
      { site: 2, path: '/c.php', at: '2026-11-30T09:00:00Z', then: 'cleanup' }, // local 30 Nov 22:00: last month
    ]);
    fixClock(t, '2026-12-01T19:00:30Z');
    const run = await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    expect(run.status).toBe(202);
    const email = `it@${ref}.example`;
    await waitFor(async () => sink.to(email).length, (n) => n === 1, 'the Auckland digest');
    const parsed = await sink.to(email)[0].parse();
    expect(parsed.text).toMatch(/^Sites cleaned this month: 2 \(of 3 sites\)$/m);
    const [row] = await ledger(t, f.customerId);
    expect(row).toMatchObject({ periodStart: '2026-11-30T11:00:00.000Z', periodEnd: '2026-12-01T11:00:00.000Z', counts: { sitesCleanedThisMonth: 2 } });

    // /v1/stats: the customer's month by default (from = local 1 Dec 00:00 = 30 Nov 11:00Z), and for its sites.
    const stats = await t.api('GET', `/v1/stats?customerId=${f.customerId}&to=2026-12-01T11:00:00Z`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ from: '2026-11-30T11:00:00.000Z', sitesCleanedThisMonth: 2 });
    expect(stats.body.rows[0]).toMatchObject({ sitesCleaned: 2, threats: { total: 2, cleaned: 2, outstanding: 0 } });
  });

  it('counts "sites cleaned this month" in America/Los_Angeles: a cleanup on the evening of 30 Nov is November', async () => {
    fixClock(t, '2026-11-29T12:00:00Z');
    const f = await customerWithSites(t, 'losangeles', { timeZone: 'America/Los_Angeles', sites: 1 });
    await threats(t, org, f, [{ site: 0, path: '/la.php', at: '2026-12-01T03:00:00Z', then: 'cleanup' }]); // 30 Nov 19:00 PST
    const dec = await t.api('GET', `/v1/stats?customerId=${f.customerId}&to=2026-12-01T09:00:00Z`); // 1 Dec 01:00 PST
    expect(dec.body).toMatchObject({ from: '2026-12-01T08:00:00.000Z', sitesCleanedThisMonth: 0 });
    const nov = await t.api('GET', `/v1/stats?customerId=${f.customerId}&to=2026-12-01T07:00:00Z`); // 30 Nov 23:00 PST
    expect(nov.body).toMatchObject({ from: '2026-11-01T07:00:00.000Z', sitesCleanedThisMonth: 1 });
  });

  it('shows a brand\'s footer and legal text in the customer\'s language, falling back to the brand\'s own', async () => {
    const bad = [
      [{ pt: { footerText: 'Rodapé' } }, 'localized.pt'],
      [{ de: { footer: 'x' } }, 'localized.de.footer'],
      [{ de: { legalText: 'x'.repeat(2001) } }, 'localized.de.legalText'],
      [{ de: { footerText: 'a\u0000b' } }, 'localized.de.footerText'],
      ['de', 'localized'],
    ] as const;
    for (const [localized, field] of bad) {
      const res = await t.api('POST', '/v1/brands', { body: { name: 'Bad Brand', localized } });
      expect([res.status, res.body.code, res.body.field]).toEqual([400, 'validation_failed', field]);
    }
    const created = await t.api('POST', '/v1/brands', {
      body: {
        name: 'Nordwind Hosting', senderEmail: 'noreply@nordwind.example', footerText: 'Northwind Hosting Ltd · 1 Main Street · London', legalText: 'Registered in England.',
        localized: { 'de-de': { footerText: 'Nordwind Hosting GmbH · Hauptstraße 1 · Berlin', legalText: 'Impressum: Amtsgericht Berlin HRB 1' }, es: { legalText: 'Aviso legal' } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.localized).toEqual({ 'de-DE': { footerText: 'Nordwind Hosting GmbH · Hauptstraße 1 · Berlin', legalText: 'Impressum: Amtsgericht Berlin HRB 1' }, es: { legalText: 'Aviso legal' } });
    const patched = await t.api('PATCH', `/v1/brands/${created.body.id}`, {
      body: { localized: { de: { footerText: 'Nordwind Hosting GmbH · Hauptstraße 1 · Berlin', legalText: 'Impressum: Amtsgericht Berlin HRB 1' } } },
    });
    expect([patched.status, patched.body.version, Object.keys(patched.body.localized)]).toEqual([200, created.body.version + 1, ['de']]);

    fixClock(t, '2026-11-20T12:00:00Z');
    const mails: Record<string, Awaited<ReturnType<ReceivedMail['parse']>>> = {};
    for (const locale of ['de-AT', 'fr']) {
      const ref = `brand${locale.replace('-', '').toLowerCase()}`;
      const f = await customerWithSites(t, ref, { locale, sites: 1 });
      expect((await t.api('PATCH', `/v1/customers/${f.customerId}`, { body: { brandId: created.body.id } })).status).toBe(200);
      await subscribe(t, f.customerId, { cadence: 'weekly', skipWhenEmpty: false });
      mails[locale] = (await sendWeekly(f, `it@${ref}.example`)).parsed;
    }
    const de = mails['de-AT'];
    for (const part of [String(de.html), String(de.text)]) {
      expect(part).toContain('Nordwind Hosting GmbH · Hauptstraße 1 · Berlin');
      expect(part).toContain('Impressum: Amtsgericht Berlin HRB 1');
      expect(part).not.toContain('Northwind Hosting Ltd');
      expect(part).not.toContain('Registered in England.');
    }
    expect(de.text).toContain('Wöchentliche'); // the German template, for a de-AT customer
    const fr = mails.fr;
    for (const part of [String(fr.html), String(fr.text)]) {
      expect(part).toContain('Northwind Hosting Ltd · 1 Main Street · London');
      expect(part).toContain('Registered in England.');
      expect(part).not.toContain('Hauptstraße');
    }
  });
});
