import { Injectable } from '@nestjs/common';
import { ConnectorAccount, ConnectorPage, PollCursor, PollOptions, VendorConnector } from '../vendor-connector';
import { VendorContractError } from '../vendor-errors';
import { demoSites } from './demo-estate';
import { SimulatedSite, simulateEvents } from './simulator-stream';

// Simulated time per page: a first run's week of backfill arrives as 28 pages, each committed with its cursor, as a
// real vendor's would.
export const SIMULATOR_PAGE_MS = 6 * 3_600_000;
export const SIMULATOR_BACKFILL_MS = 7 * 24 * 3_600_000;

const SITE_FIELDS = ['server', 'accountUser', 'domain', 'vendorSiteId'] as const;

// The built-in vendor: a deterministic Monarx-like stream over the demo estate (or settings.sites), so that digests
// and rules work with no vendor account. Because the stream is a pure function of (seed, site, time), the cursor is
// just the end of the simulated time already delivered.
@Injectable()
export class SimulatorConnector extends VendorConnector {
  readonly vendor = 'simulator';
  override readonly lateRecords = false;

  async test(account: ConnectorAccount): Promise<string> {
    const sites = sitesOf(account);
    const servers = new Set(sites.map((s) => s.server)).size;
    const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
    return `The simulator is ready: it generates Monarx-style events for ${count(sites.length, 'site')} on ${count(servers, 'server')}; no credentials are needed.`;
  }

  async *poll(account: ConnectorAccount, cursor: PollCursor | null, opts: PollOptions): AsyncGenerator<ConnectorPage> {
    const sites = sitesOf(account);
    const seed = seedOf(account);
    const now = opts.now.getTime();
    let from = startOf(account, cursor, now);
    while (from < now) {
      if (opts.signal.aborted) return;
      const to = Math.min(from + SIMULATOR_PAGE_MS, now);
      const events = simulateEvents({ seed, sites, from: new Date(from), to: new Date(to) });
      if (opts.signal.aborted) return;
      yield { events, rejected: [], cursor: { until: new Date(to).toISOString() } };
      from = to;
    }
  }

  highWaterMarks(cursor: PollCursor | null): Record<string, Date> {
    const until = typeof cursor?.until === 'string' ? Date.parse(cursor.until) : NaN;
    return Number.isFinite(until) ? { events: new Date(until) } : {};
  }
}

function startOf(account: ConnectorAccount, cursor: PollCursor | null, now: number): number {
  if (cursor && cursor.until !== undefined) {
    const until = typeof cursor.until === 'string' ? Date.parse(cursor.until) : NaN;
    if (Number.isNaN(until)) throw new VendorContractError(`simulator cursor.until is not an ISO timestamp: ${JSON.stringify(cursor.until)}`);
    return until;
  }
  return account.backfillFrom?.getTime() ?? now - SIMULATOR_BACKFILL_MS;
}

function seedOf(account: ConnectorAccount): string {
  const seed = account.settings.seed;
  if (seed === undefined || seed === null) return account.id;
  if (typeof seed !== 'string' || seed === '') throw new VendorContractError('simulator settings.seed must be a non-empty string');
  return seed;
}

// Settings are operator-edited JSON: a wrong shape is a clear, permanent error rather than a silently empty stream.
function sitesOf(account: ConnectorAccount): SimulatedSite[] {
  const sites = account.settings.sites;
  if (sites === undefined || sites === null) return demoSites();
  if (!Array.isArray(sites)) throw new VendorContractError('simulator settings.sites must be an array of sites');
  return sites.map((site: unknown, i) => {
    if (typeof site !== 'object' || site === null) throw new VendorContractError(`simulator settings.sites[${i}] must be an object`);
    const s = site as Record<string, unknown>;
    for (const field of SITE_FIELDS) {
      if (typeof s[field] !== 'string' || s[field] === '') {
        throw new VendorContractError(`simulator settings.sites[${i}].${field} must be a non-empty string`);
      }
    }
    return { server: s.server, accountUser: s.accountUser, domain: s.domain, vendorSiteId: s.vendorSiteId } as SimulatedSite;
  });
}
