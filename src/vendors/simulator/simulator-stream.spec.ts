import { normalizeAgentFile } from '../monarx/monarx-normalize';
import { NormalizedEvent, SEVERITIES } from '../../events/normalized-event';
import { demoSites } from './demo-estate';
import { MAX_FOLLOW_UP_MS, simulateEvents } from './simulator-stream';

const DAY = 24 * 3_600_000;
const sites = demoSites();
const from = new Date('2025-03-03T00:00:00Z');
const week = (seed = 'acct-1') => simulateEvents({ seed, sites, from, to: new Date(from.getTime() + 7 * DAY) });
const fileId = (e: NormalizedEvent) => e.externalId.split(':')[1];

describe('simulateEvents', () => {
  it('yields the same events, ids and payloads for the same seed and window', () => {
    expect(week()).toEqual(week());
  });

  it('yields a different stream for another seed', () => {
    const ids = new Set(week('acct-1').map((e) => e.externalId));
    expect(week('acct-2').filter((e) => ids.has(e.externalId))).toEqual([]);
  });

  it('yields exactly the union of any split of a window', () => {
    const whole = week();
    const cuts = [0, 0.3, 17, 17.01, 48.5, 100, 101, 168].map((h) => from.getTime() + Math.round(h * 3_600_000));
    const parts = cuts.slice(1).flatMap((to, i) => simulateEvents({ seed: 'acct-1', sites, from: new Date(cuts[i]), to: new Date(to) }));
    expect(parts).toEqual(whole);
  });

  it('keeps every event inside [from, to) and in time order', () => {
    const to = new Date(from.getTime() + DAY);
    const events = simulateEvents({ seed: 'acct-1', sites, from, to });
    for (const [i, e] of events.entries()) {
      expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(e.occurredAt.getTime()).toBeLessThan(to.getTime());
      if (i > 0) expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(events[i - 1].occurredAt.getTime());
    }
    expect(new Set(events.map((e) => e.externalId)).size).toBe(events.length);
  });

  it('returns nothing for an empty or inverted window', () => {
    expect(simulateEvents({ seed: 's', sites, from, to: from })).toEqual([]);
    expect(simulateEvents({ seed: 's', sites, from, to: new Date(from.getTime() - DAY) })).toEqual([]);
  });

  it('follows malicious and compromised detections with an action on the same file, minutes to hours later', () => {
    // Detections a day earlier are included so that no follow-up in the week lacks its detection.
    const events = simulateEvents({ seed: 'acct-1', sites, from: new Date(from.getTime() - DAY), to: new Date(from.getTime() + 7 * DAY) });
    const detections = new Map(events.filter((e) => e.kind === 'detection').map((e) => [fileId(e), e]));
    const followUps = events.filter((e) => ['cleanup', 'quarantine', 'file_deleted'].includes(e.kind) && e.occurredAt >= from);
    expect(followUps.length).toBeGreaterThan(20);
    for (const f of followUps) {
      const d = detections.get(fileId(f));
      expect(d).toBeDefined();
      expect(f.filePath).toBe(d!.filePath);
      expect(f.fileHash).toBe(d!.fileHash);
      expect(['malicious', 'compromised']).toContain(d!.classification);
      const delay = f.occurredAt.getTime() - d!.occurredAt.getTime();
      expect(delay).toBeGreaterThanOrEqual(60_000);
      expect(delay).toBeLessThanOrEqual(MAX_FOLLOW_UP_MS);
    }
    expect(followUps.filter((f) => f.kind === 'cleanup').every((f) => f.classification === 'compromised')).toBe(true);
  });

  it('maps classifications to severities as the Monarx normalizer does', () => {
    const bySeverity = new Map(week().filter((e) => e.kind === 'detection').map((e) => [e.classification, e.severity]));
    expect(Object.fromEntries(bySeverity)).toEqual({ malicious: 'critical', compromised: 'high', suspicious: 'medium', pua: 'low', vulnerable: 'info' });
    expect(week().every((e) => e.severity === null || SEVERITIES.includes(e.severity))).toBe(true);
  });

  it('puts files under the account home and names a threat and a sha256 for each', () => {
    for (const e of week().filter((x) => x.kind === 'detection')) {
      expect(e.filePath).toMatch(new RegExp(`^/home/${e.accountUser}/public_html/.+`));
      expect(e.fileHash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.threatName).toBeTruthy();
      expect(e.server).toMatch(/^web0[1-3]\.demo-hosting\.test$/);
    }
  });

  it('kills processes with miner and reverse-shell command lines', () => {
    const processes = week().filter((e) => e.kind === 'process_killed' || e.kind === 'process_blocked');
    expect(processes.length).toBeGreaterThan(0);
    for (const p of processes) expect(p.process).toMatch(/\(pid \d+\)$/);
    expect(processes.some((p) => /xmrig|\/dev\/tcp|fsockopen|socket/.test(p.process!))).toBe(true);
  });

  it('carries Monarx-shaped records that the Monarx normalizer reads back to the same event', () => {
    const agentHosts = new Map(week().map((e) => [e.agentId!, e.server!]));
    for (const e of week().filter((x) => x.externalId.startsWith('agent-file:'))) {
      const result = normalizeAgentFile(e.raw, { agentHosts });
      expect(result.ok && result.events.find((x) => x.externalId === e.externalId)).toEqual(e);
    }
  });

  it('produces a few events per site per day, from a few noisy sites and many quiet ones', () => {
    const events = week();
    const perSite = sites.map((s) => events.filter((e) => e.accountUser === s.accountUser).length).sort((a, b) => b - a);
    const perSitePerDay = events.length / sites.length / 7;
    expect(perSitePerDay).toBeGreaterThan(0.8);
    expect(perSitePerDay).toBeLessThan(5);
    const median = perSite[Math.floor(perSite.length / 2)];
    expect(perSite[0]).toBeGreaterThan(4 * Math.max(median, 1));
  });
});
