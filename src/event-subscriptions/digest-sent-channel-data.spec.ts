import { ChannelRenderer } from '../templates/channel-renderer';
import { loadDefaultChannelTemplate } from '../templates/default-templates';
import { SAMPLE_BRAND } from '../templates/sample-data';
import { digestSentChannelData } from './digest-sent-channel-data';
import type { DigestSentPayload } from './digest-sent-webhooks';

describe('digestSentChannelData with the shipped template', () => {
  const renderer = new ChannelRenderer();
  const compiled = renderer.compile(loadDefaultChannelTemplate('channel.digest.sent'), SAMPLE_BRAND, 'spec');
  const digest = { id: 'd1', cadence: 'weekly', periodStart: '2026-11-15T23:00:00.000Z', periodEnd: '2026-11-22T23:00:00.000Z', generation: 0, sentAt: '2026-11-23T07:00:00.000Z' };
  const payload = (outstanding: number): DigestSentPayload => ({
    digest, customer: { id: 'c1', externalRef: null, name: 'Bakery\nGmbH' },
    counts: { events: 9, detections: 1234, threats: 3, cleaned: 2, outstanding, sites: 4, sitesAffected: 2, sitesCleanedThisMonth: 1 },
  });
  const render = (outstanding: number, locale: string) =>
    renderer.render(compiled, digestSentChannelData(payload(outstanding), digest, { locale, timeZone: 'Europe/Berlin' }, 'https://portal.example'));

  it('names the period by its last local day, the figures in the locale, and what needs attention', () => {
    expect(render(2, 'en')).toEqual({
      title: 'Weekly security summary — Bakery GmbH',
      body: 'Nov 16, 2026 – Nov 22, 2026\nDetections: 1,234 · Cleaned: 2 · Outstanding: 2\n2 threats need attention.',
      link: 'https://portal.example',
      severity: 'medium',
    });
  });

  it('says all clear at severity info, in German with German numbers', () => {
    const out = render(0, 'de');
    expect(out.body).toBe('16.11.2026 – 22.11.2026\nFunde: 1.234 · Bereinigt: 2 · Offen: 0\nAlles in Ordnung.');
    expect(out.severity).toBe('info');
  });
});
