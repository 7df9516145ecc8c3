import { resolveBrand } from '../templates/brand-values';
import { PageRow, renderCustomerPage, renderLinkProblem } from './page-html';

const brand = resolveBrand({
  name: 'North<wind>', logoUrl: 'javascript:alert(1)', logoWidth: 140, primaryColor: '#0b5fff', accentColor: '#f59e0b',
  footerText: '<b>Footer</b>\nLine 2', legalText: '', supportUrl: '', supportEmail: 'help@north.example', portalUrl: '',
});
const EVIL = `"'><script>x</script>&`;
const ESCAPED = '&quot;&#39;&gt;&lt;script&gt;x&lt;/script&gt;&amp;';
const row: PageRow = {
  sites: [{ id: 's1', domain: EVIL, open: 1, openRank: 4, cleaned: 1, protection: 'unprotected' }],
  siteTotals: { total: 1, unprotected: 1, withOpen: 1, cleaned: 1 },
  open: [{ siteId: 's1', path: `/p/${EVIL}\u0000`, name: EVIL, rank: 4, occurrences: 2, firstSeen: '2026-11-18T09:00:00Z', lastSeen: '2026-11-19T09:00:00Z', n: 1, m: 1, card: true }],
  openTotal: 1,
  cleaned: [{ siteId: 's1', path: `/c/${EVIL}`, action: 'quarantine', at: '2026-11-02T09:00:00Z' }],
  cleanedTotal: 1,
  periodDetections: 3,
};
const ctx = {
  lang: 'en',
  brand, customerName: EVIL, timeZone: 'Europe/Berlin', now: new Date('2026-11-23T07:00:00Z'), monthStart: new Date('2026-10-31T23:00:00Z'),
  period: { cadence: 'weekly' as const, start: new Date('2026-11-15T23:00:00Z'), end: new Date('2026-11-22T23:00:00Z') }, lookbackDays: 90,
  limits: { sites: 500, perSite: 5, open: 50, onCards: 200 },
};

describe('customer page HTML', () => {
  it('escapes every event value and the brand texts, and drops unsafe URLs and control characters', () => {
    const html = renderCustomerPage(row, ctx);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('\u0000');
    // customer; domain, threat name and open path both in the overview and on the site's card; cleaned path
    expect(html.split(ESCAPED).length - 1).toBe(8);
    expect(html).toContain('&lt;b&gt;Footer&lt;/b&gt;<br>Line 2');
    expect(html).toContain('<title>North&lt;wind&gt;: security status</title>');
    expect(html).toContain('<a href="mailto:help@north.example">Support</a>');
    expect(html).toMatch(/security summary for <strong>Nov 16\s–\s22, 2026<\/strong>\. 3 detections were recorded in that period\./u);
    expect(html).toContain('Quarantined Nov 2, 2026');
    expect(html).toContain('cleaned in November 2026');
  });

  it("speaks the customer's language, dates and plurals included", () => {
    const html = renderCustomerPage(row, { ...ctx, lang: 'de' });
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(`<h1>Sicherheitsstatus von ${ESCAPED}</h1>`);
    expect(html).toContain('In diesem Zeitraum gab es 3 Funde.');
    expect(html).toContain('1 offene Bedrohung · 1 Bedrohung bereinigt im November 2026');
    expect(html).toContain('In Quarantäne 02.11.2026, 10:00');
    expect(html).toContain('<span class="badge unprotected">Nicht geschützt</span>');
    expect(html).toContain('>Support</a>');
    expect(renderLinkProblem('expired', brand, 'fr')).toContain('<h1>Ce lien a expiré</h1>');
  });

  it('names the problem of a link, with the brand when the link was genuine', () => {
    expect(renderLinkProblem('expired', brand)).toContain('<h1>This link has expired</h1>');
    expect(renderLinkProblem('revoked', brand)).toContain('North&lt;wind&gt;');
    expect(renderLinkProblem('invalid', null)).toContain('<h1>This link is not valid</h1>');
  });
});
