import Handlebars from 'handlebars';
import { defaultLocaleCatalog } from './default-templates';
import { formatPeriodLabel } from './period-label';
import { createHelpers, truncatePath } from './template-helpers';

const env = Handlebars.create();
env.registerHelper(createHelpers(defaultLocaleCatalog()));
const run = (template: string, data: object = {}) => env.compile(template, { knownHelpersOnly: true, knownHelpers: Object.fromEntries(Object.keys(env.helpers).map((h) => [h, true])) })(data);

describe('truncatePath', () => {
  const path = '/home/sonnenschein/public_html/wp-content/plugins/woocommerce-extra-fees/includes/evil.php';

  it('leaves short paths alone and keeps the start and the file name of long ones', () => {
    expect(truncatePath('/tmp/x.php', 60)).toBe('/tmp/x.php');
    const short = truncatePath(path, 40);
    expect(short).toBe('/home/sonnenschein/public_html…/evil.php');
    expect(short).toHaveLength(40);
  });

  it('keeps the end of a file name longer than the budget, so the extension shows', () => {
    const out = truncatePath('/var/www/' + 'a'.repeat(200) + '.php', 30);
    expect(out).toHaveLength(30);
    expect(out.startsWith('/var/www/')).toBe(true);
    expect(out.endsWith('aaaa.php')).toBe(true);
  });

  it('copes with a 5 MB path, with emoji, and with characters that could disguise a file name', () => {
    const huge = truncatePath('/x/' + 'd/'.repeat(2_500_000) + 'shell.php', 60);
    expect(huge).toHaveLength(60);
    expect(huge).toMatch(/^\/x\/d\/d\/.*…\/shell\.php$/);
    for (let n = 30; n < 40; n++) {
      const emoji = truncatePath('/home/' + '😀'.repeat(n) + '/a😀.php', 20);
      expect(emoji.length).toBeLessThanOrEqual(20);
      expect(emoji.endsWith('/a😀.php')).toBe(true);
      expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no lone surrogate
    }
    expect(truncatePath('/home/bob/invoice\u202Egpj.php\nx', 60)).toBe('/home/bob/invoice?gpj.php?x');
    expect(truncatePath(undefined)).toBe('');
  });
});

describe('template helpers', () => {
  it('t: translates, interpolates with locale number formats, picks plural forms and falls back', () => {
    expect(run('{{t "digest.sites.more" count=n}}', { locale: 'en', n: 1 })).toBe('and 1 more site, listed on your security page');
    expect(run('{{t "digest.sites.more" count=n}}', { locale: 'de', n: 1234 })).toBe('und 1.234 weitere Websites – alle auf Ihrer Sicherheitsseite');
    expect(run('{{t "digest.sites.more" count=n}}', { locale: 'fr', n: 0 })).toBe('et 0 autre site, sur votre page de sécurité'); // French: 0 is singular
    expect(run('{{t "severity" s}}', { locale: 'nl-BE', s: 'critical' })).toBe('Kritiek');
    expect(run('{{t "severity" s}}', { locale: 'pt-BR', s: 'high' })).toBe('High');
    expect(run('{{t "severity" s}}', { locale: 'es' })).toBe('');
    expect(run('{{t "no.such.key"}}', { locale: 'en' })).toBe('no.such.key');
    expect(run('{{t "digest.footer.reason.weekly" customer=c email="a@b"}}', { locale: 'en', c: '<Bakery>' }))
      .toBe('You receive this weekly summary for &lt;Bakery&gt; at a@b.');
  });

  it('trend: signed change and percentage against the previous period', () => {
    expect(run('{{trend 10 7}}', { locale: 'en' })).toBe('+3 (+43%)');
    expect(run('{{trend 2 3}}', { locale: 'en' })).toBe('-1 (-33%)');
    expect(run('{{trend 5 5}}', { locale: 'en' })).toBe('±0');
    expect(run('{{trend 3 0}}', { locale: 'de' })).toBe('+3 (neu)');
    expect(run('{{trend 1500 1000}}', { locale: 'de' })).toMatch(/^\+500 \(\+50\s%\)$/u);
    expect(run('{{trend x 1}}', {})).toBe('');
  });

  it('formatDate: in the customer\'s time zone, across a DST change', () => {
    const data = { locale: 'en', timeZone: 'Europe/Berlin', winter: '2026-01-15T07:00:00Z', summer: '2026-07-15T06:00:00Z' };
    expect(run('{{formatDate winter "time"}} {{formatDate summer "time"}}', data)).toBe('8:00 AM 8:00 AM');
    expect(run('{{formatDate winter "datetime" timeZone="Pacific/Auckland"}}', data)).toBe('Jan 15, 2026, 8:00 PM');
    expect(run('{{formatDate nothing}}', data)).toBe('');
    expect(() => run('{{formatDate winter timeZone="Nowhere/Special"}}', data)).toThrow(RangeError);
  });

  it('formatNumber, plural, severityColor and the comparisons', () => {
    expect(run('{{formatNumber n}}', { locale: 'fr', n: 1234567 })).toBe('1\u202f234\u202f567');
    expect(run('{{plural n "site" "sites"}} {{plural 1 "site" "sites"}}', { locale: 'en', n: 3 })).toBe('sites site');
    expect(run('{{severityColor "critical"}} {{severityColor "bogus"}}')).toBe('#b91c1c #4b5563');
    expect(run('{{#if (and (gt a 2) (eq b "x") (not c))}}yes{{/if}}', { a: 3, b: 'x', c: false })).toBe('yes');
    expect(run('{{#if (or (lt a 2) (ne b "x"))}}yes{{else}}no{{/if}}', { a: 3, b: 'x' })).toBe('no');
  });
});

describe('formatPeriodLabel', () => {
  it('names the customer\'s local day, week or month', () => {
    expect(formatPeriodLabel('daily', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 'en', 'Europe/Berlin')).toBe('Sunday, March 29, 2026');
    expect(formatPeriodLabel('weekly', '2026-03-22T23:00:00Z', '2026-03-29T22:00:00Z', 'de', 'Europe/Berlin')).toMatch(/^23\.\s?–\s?29\. März 2026$/u);
    expect(formatPeriodLabel('monthly', '2026-10-31T23:00:00Z', '2026-11-30T23:00:00Z', 'nl', 'Europe/Berlin')).toBe('november 2026');
    expect(formatPeriodLabel('monthly', '2026-10-31T23:00:00Z', '2026-11-30T23:00:00Z', 'en', 'UTC')).toBe('October 2026');
  });
});
