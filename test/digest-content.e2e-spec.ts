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

    const size = expectUnderBudget(mail);
    console.log('3000 sites: encoded HTML part', size, 'message', mail.raw.length);
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
    console.log('25 sites: encoded HTML part', expectUnderBudget(mail), 'message', mail.raw.length);
    const html = String(parsed.html);
    expect(html).toMatch(/and \d+ more threats?, listed on your security page/);
    expect(parsed.text).toMatch(/and \d+ more threats?, listed on your security page: http/);
    expect(html).toContain('Unsubscribe');
  });
});
