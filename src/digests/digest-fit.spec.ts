import { encodedPart } from '../mail/mail-transport';
import { loadDefaultTemplate } from '../templates/default-templates';
import { TemplateRenderer } from '../templates/template-renderer';
import { sampleData, SAMPLE_BRAND } from '../templates/template-variables';
import type { DigestTemplateData } from '../templates/template-data';
import { encodedSize, nextStep, shrinkDigest } from './digest-fit';

describe('digest fit', () => {
  it('measures each part exactly as encodedPart sends it', () => {
    for (const html of ['', 'a', 'ab', 'abc', 'é'.repeat(1000), 'x'.repeat(57), 'x'.repeat(58), 'x'.repeat(70_001)]) {
      expect(encodedSize('text/html', html)).toBe(encodedPart('text/html', html).length);
      expect(encodedSize('text/html', Buffer.from(html))).toBe(encodedPart('text/html', html).length);
      expect(encodedSize('text/plain', html)).toBe(encodedPart('text/plain', html).length);
    }
  });

  it('cuts the lists, grows "and N more" by what it left out and shortens long strings in the middle', () => {
    const data = sampleData('digest.weekly', 'en') as DigestTemplateData;
    const long = { ...data, topThreats: data.topThreats.map((t) => ({ ...t, path: '/home/' + 'deep/'.repeat(40) + 'payload.php', domain: 'a'.repeat(100) + '.example' })) };
    const out = shrinkDigest(long, { sites: 1, threats: 1, short: true });
    expect(out.sites).toHaveLength(1);
    expect(out.sitesMore).toBe(data.sitesMore + data.sites.length - 1);
    expect(out.topThreats).toHaveLength(1);
    expect(out.topThreatsMore).toBe(data.topThreatsMore + data.topThreats.length - 1);
    expect([...out.topThreats[0].path].length).toBe(64);
    expect(out.topThreats[0].path).toMatch(/^\/home\/deep.*….*payload\.php$/);
    expect([...out.topThreats[0].domain].length).toBe(48);
    expect(out.topThreats[0].domain).toMatch(/…a*\.example$/);
    expect(out.status).toEqual(data.status); // the figures never change
  });

  it('plans fewer rows in proportion, always at least one fewer, none when there is no room', () => {
    // 45 rows at 2,000 bytes each over a fixed 30,000: 97% of the budget leaves 67,000 bytes, 33 rows.
    expect(nextStep({ sites: 25, threats: 20, short: true }, 120_000, 30_000)).toEqual({ sites: 18, threats: 15, short: true });
    expect(nextStep({ sites: 10, threats: 0, short: true }, 100_001, 10_000)).toEqual({ sites: 9, threats: 0, short: true });
    expect(nextStep({ sites: 3, threats: 3, short: true }, 150_000, 120_000)).toEqual({ sites: 0, threats: 0, short: true });
    expect(nextStep({ sites: 0, threats: 0, short: true }, 150_000, 150_000)).toBeNull();
  });

  it('says "and N more" instead of "none" when every row was cut', () => {
    const renderer = new TemplateRenderer();
    const data = shrinkDigest(sampleData('digest.weekly', 'en') as DigestTemplateData, { sites: 0, threats: 0, short: true });
    const email = renderer.render(renderer.compile(loadDefaultTemplate('digest.weekly'), SAMPLE_BRAND, 'fit'), data);
    for (const part of [email.html, email.text]) {
      expect(part).toMatch(/and \d+ more sites, listed on your security page/);
      expect(part).toMatch(/and \d+ more threats, listed on your security page/);
      expect(part).not.toContain('No sites are registered yet.');
      expect(part).not.toContain('No threats were found');
    }
  });
});
