import { ConnectorAccount, ConnectorPage, PollCursor } from '../vendor-connector';
import { NormalizedEvent } from '../../events/normalized-event';
import { VendorContractError } from '../vendor-errors';
import { demoSites } from './demo-estate';
import { SIMULATOR_PAGE_MS, SimulatorConnector } from './simulator-connector';
import { simulateEvents } from './simulator-stream';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2025-03-10T09:17:23.456Z');
const connector = new SimulatorConnector();

const account = (over: Partial<ConnectorAccount> = {}): ConnectorAccount => ({
  id: '6f1c2a8e-0000-4000-8000-000000000001',
  organizationId: '6f1c2a8e-0000-4000-8000-0000000000aa',
  vendor: 'simulator',
  baseUrl: null,
  settings: {},
  credentials: {},
  backfillFrom: null,
  ...over,
});

async function pages(acct: ConnectorAccount, cursor: PollCursor | null, at = now, signal = new AbortController().signal): Promise<ConnectorPage[]> {
  const out: ConnectorPage[] = [];
  for await (const page of connector.poll(acct, cursor, { now: at, signal })) out.push(page);
  return out;
}

const events = (ps: ConnectorPage[]): NormalizedEvent[] => ps.flatMap((p) => p.events);
const until = (p: ConnectorPage) => Date.parse(p.cursor.until as string);

describe('SimulatorConnector', () => {
  it('needs no credentials and says what it simulates', async () => {
    await expect(connector.test(account())).resolves.toMatch(/31 sites on 3 servers/);
  });

  it('backfills seven days by default, as pages of at most six hours that chain without gap or overlap', async () => {
    const ps = await pages(account(), null);
    expect(ps.length).toBe(28);
    let from = now.getTime() - 7 * DAY;
    for (const p of ps) {
      expect(until(p) - from).toBeGreaterThan(0);
      expect(until(p) - from).toBeLessThanOrEqual(SIMULATOR_PAGE_MS);
      for (const e of p.events) {
        expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(from);
        expect(e.occurredAt.getTime()).toBeLessThan(until(p));
      }
      expect(p.rejected).toEqual([]);
      from = until(p);
    }
    expect(from).toBe(now.getTime());
  });

  it('yields the same events with the same ids on every poll', async () => {
    const first = events(await pages(account(), null));
    const again = events(await pages(account(), null));
    expect(first.length).toBeGreaterThan(100);
    expect(again).toEqual(first);
  });

  it('yields over polls from stored cursors exactly what one poll over the whole range yields', async () => {
    const start = now.getTime() - 3 * DAY;
    const acct = account({ backfillFrom: new Date(start) });
    const polled: NormalizedEvent[] = [];
    let cursor: PollCursor | null = null;
    // The poll job runs at irregular times; each run resumes from the last committed cursor.
    for (const at of [start + 5 * HOUR + 1234, start + 5 * HOUR + 60_000, start + 40 * HOUR, now.getTime()]) {
      const ps = await pages(acct, cursor, new Date(at));
      polled.push(...events(ps));
      if (ps.length) cursor = ps[ps.length - 1].cursor;
    }
    expect(cursor).toEqual({ until: now.toISOString() });
    const whole = simulateEvents({ seed: acct.id, sites: demoSites(), from: new Date(start), to: now });
    expect(polled).toEqual(whole);
    expect(new Set(polled.map((e) => e.externalId)).size).toBe(polled.length);
  });

  it('never yields a cleanup before a detection of the same file', async () => {
    const seen = new Map<string, NormalizedEvent>();
    const ps = await pages(account({ backfillFrom: new Date(now.getTime() - 14 * DAY) }), null);
    for (const e of events(ps)) {
      const fileId = e.externalId.split(':')[1];
      if (e.kind === 'detection') seen.set(fileId, e);
      if (e.kind !== 'cleanup' && e.kind !== 'quarantine' && e.kind !== 'file_deleted') continue;
      const detection = seen.get(fileId);
      // A follow-up in the first hours may belong to a detection before the backfill started.
      if (e.occurredAt.getTime() < now.getTime() - 13 * DAY) continue;
      expect(detection).toBeDefined();
      expect(detection!.filePath).toBe(e.filePath);
      expect(detection!.occurredAt.getTime()).toBeLessThan(e.occurredAt.getTime());
    }
  });

  it('covers every kind a digest shows within a week', async () => {
    const kinds = new Set(events(await pages(account(), null)).map((e) => e.kind));
    for (const kind of ['detection', 'cleanup', 'process_killed', 'protection_changed'] as const) expect(kinds).toContain(kind);
    expect(kinds.has('quarantine') || kinds.has('file_deleted')).toBe(true);
  });

  it('resumes from cursor.until and yields nothing once it has caught up', async () => {
    const ps = await pages(account(), { until: new Date(now.getTime() - 7 * HOUR).toISOString() });
    expect(ps.map((p) => p.cursor)).toEqual([
      { until: new Date(now.getTime() - HOUR).toISOString() },
      { until: now.toISOString() },
    ]);
    expect(await pages(account(), { until: now.toISOString() })).toEqual([]);
  });

  it('uses settings.sites and settings.seed when given', async () => {
    const site = { server: 'web09.example.net', accountUser: 'alice', domain: 'alice.example', vendorSiteId: 's-1' };
    const settings = { sites: [site], seed: 'fixed' };
    const backfillFrom = new Date(now.getTime() - 30 * DAY);
    const a = events(await pages(account({ settings, backfillFrom }), null));
    const b = events(await pages(account({ id: 'another', settings, backfillFrom }), null));
    expect(a.length).toBeGreaterThan(0);
    expect(new Set(a.map((e) => e.server))).toEqual(new Set(['web09.example.net']));
    expect(b).toEqual(a);
    await expect(connector.test(account({ settings }))).resolves.toMatch(/1 site on 1 server;/);
  });

  it('rejects malformed settings and cursors with a clear message', async () => {
    await expect(pages(account({ settings: { sites: [{ server: 'x' }] } }), null)).rejects.toThrow(new VendorContractError('simulator settings.sites[0].accountUser must be a non-empty string'));
    await expect(pages(account({ settings: { sites: 'all' } }), null)).rejects.toThrow(VendorContractError);
    await expect(pages(account({ settings: { seed: 42 } }), null)).rejects.toThrow(/settings.seed/);
    await expect(pages(account(), { until: 'yesterday' })).rejects.toThrow(/cursor.until/);
  });

  it('stops yielding once the signal is aborted', async () => {
    const controller = new AbortController();
    const out: ConnectorPage[] = [];
    for await (const page of connector.poll(account(), null, { now, signal: controller.signal })) {
      out.push(page);
      if (out.length === 3) controller.abort();
    }
    expect(out).toHaveLength(3);
  });
});
