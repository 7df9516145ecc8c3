import { Injectable } from '@nestjs/common';
import { HttpClient } from '../../http/http-client';
import { ConnectorAccount, ConnectorPage, PollCursor, PollOptions, VendorConnector } from '../vendor-connector';
import { VendorContractError, VendorCursorExpiredError, VendorRateLimitError, VendorTransientError } from '../vendor-errors';
import { NormalizedEvent, RejectedRecord } from '../../events/normalized-event';
import { MonarxApiShape, resolveMonarxApiShape } from './monarx-api-shape';
import { MonarxClient, MonarxClientOptions } from './monarx-client';
import { agentHostsFrom, normalizeMonarxRecord } from './monarx-normalize';

// Polled in turns, a page each; agents are read first, only to name the servers.
export const MONARX_POLLED = ['agent-file', 'agent-process', 'event'] as const;
export type MonarxPolledResource = (typeof MONARX_POLLED)[number];

// Stored as the vendor account's cursor: per resource, the highest record timestamp already yielded.
// A type, not an interface, so that it is assignable to PollCursor.
export type MonarxCursor = {
  v: 1;
  resources: Record<MonarxPolledResource, { since: string }>;
};

export interface MonarxSettings {
  enterpriseId: string;
  baseUrl: string;
  shape: MonarxApiShape;
  overlapMs: number;
  pageSize: number;
  apiId: string;
  apiSecret: string;
}

const DEFAULT_OVERLAP_SECONDS = 600;
const DEFAULT_LOOKBACK_MS = 30 * 24 * 3600_000;

// Incremental polling reads each resource from (high-water mark − overlap), sorted ascending by its timestamp. A record
// that becomes visible later with an older timestamp is picked up by the next run when it lies inside the overlap
// window, and otherwise by the account's periodic reconciliation pass (the poll service runs this same scan over a
// recent window, with `until`); the event store drops the repeats by external id.
//
// The resources are read in turns, a page each, and each has its own mark in the cursor that goes with every page:
// a resource that is slow or failing never holds back the others. A resource that still fails after the client's
// in-place retries is left for this run while the others go on; the run then ends with its error. A 429 that the
// client gave up waiting for ends the run at once: the vendor's pace holds for every resource.
@Injectable()
export class MonarxConnector extends VendorConnector {
  readonly vendor = 'monarx';

  constructor(private readonly http: HttpClient) {
    super();
  }

  async test(account: ConnectorAccount): Promise<string> {
    const s = monarxSettings(account);
    const client = this.client(s);
    await client.checkCredentials();
    const agents = await client.listAgents();
    return `credentials accepted by Monarx enterprise ${s.enterpriseId} (${agents.length} agent${agents.length === 1 ? '' : 's'} visible)`;
  }

  async *poll(account: ConnectorAccount, cursor: PollCursor | null, opts: PollOptions): AsyncGenerator<ConnectorPage> {
    const { now, signal } = opts;
    const s = monarxSettings(account);
    if (signal.aborted) return;
    const client = this.client(s, opts.retry ? { ...opts.retry, signal } : undefined);
    const start = account.backfillFrom?.getTime() ?? now.getTime() - DEFAULT_LOOKBACK_MS;
    const marks = readMarks(cursor, start);
    let agents: unknown[];
    try {
      agents = await client.listAgents();
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    const scan = { client, s, marks, now, until: opts.until?.getTime() ?? null, signal, agentHosts: agentHostsFrom(agents, s.shape) };

    let turns = MONARX_POLLED.map((resource) => ({ resource, pages: this.resourcePages(resource, scan) }));
    const failed: { resource: MonarxPolledResource; err: unknown }[] = [];
    while (turns.length) {
      const next: typeof turns = [];
      for (const turn of turns) {
        if (signal.aborted) return;
        let r: IteratorResult<ConnectorPage>;
        try {
          r = await turn.pages.next();
        } catch (err) {
          if (signal.aborted) return;
          if (err instanceof VendorRateLimitError) throw err;
          failed.push({ resource: turn.resource, err });
          continue;
        }
        if (r.done) continue;
        yield r.value;
        next.push(turn);
      }
      turns = next;
    }
    if (failed.length) throw resourceFailure(failed);
  }

  // One resource's pages from its mark, each with the cursor of every mark as it stands after the page.
  private async *resourcePages(resource: MonarxPolledResource, scan: ResourceScan): AsyncGenerator<ConnectorPage> {
    const { client, s, marks, now, until, signal, agentHosts } = scan;
    const timeField = timeFieldOf(s.shape, resource);
    let restarted = false;
    for (;;) {
      if (signal.aborted) return;
      // Re-read from the current mark on a restart: pages already yielded have moved it past what they covered.
      const since = new Date(marks[resource] - s.overlapMs).toISOString();
      try {
        for await (const { items } of client.pages(resource, since, s.pageSize)) {
          if (signal.aborted) return;
          const events: NormalizedEvent[] = [];
          const rejected: RejectedRecord[] = [];
          let beyond = false;
          for (const raw of items) {
            const at = timestampOf(raw, timeField);
            // A reconciliation pass stops where the incremental poll stood when it began.
            if (until !== null && at !== null && at > until) {
              beyond = true;
              continue;
            }
            const result = normalizeMonarxRecord(resource, raw, { agentHosts, shape: s.shape });
            if (result.ok) events.push(...result.events);
            else rejected.push(result.rejected);
            // Capped at now: one record stamped in the future (a vendor clock, a bad value) must not move the mark
            // past everything still to come; it is read again by the next runs instead.
            if (at !== null) marks[resource] = Math.max(marks[resource], Math.min(at, now.getTime()));
          }
          // Also when every record was rejected, so that the rejections and the cursor past them are committed.
          yield { events, rejected, cursor: toCursor(marks), records: items.length };
          if (beyond) return;
        }
        return;
      } catch (err) {
        if (!(err instanceof VendorCursorExpiredError) || restarted) throw err;
        restarted = true; // once per resource and run; a second expiry goes to the poll's retry
      }
    }
  }

  highWaterMarks(cursor: PollCursor | null): Record<string, Date> {
    const marks: Record<string, Date> = {};
    if (cursor?.v !== 1 || !isObject(cursor.resources)) return marks;
    for (const resource of MONARX_POLLED) {
      const entry = cursor.resources[resource];
      const since = isObject(entry) && typeof entry.since === 'string' ? Date.parse(entry.since) : NaN;
      if (Number.isFinite(since)) marks[resource] = new Date(since);
    }
    return marks;
  }

  private client(s: MonarxSettings, retry?: MonarxClientOptions['retry']): MonarxClient {
    return new MonarxClient(this.http, { enterpriseId: s.enterpriseId, apiId: s.apiId, apiKey: s.apiSecret, baseUrl: s.baseUrl, shape: s.shape, retry });
  }
}

interface ResourceScan {
  client: MonarxClient;
  s: MonarxSettings;
  marks: Record<MonarxPolledResource, number>;
  now: Date;
  until: number | null;
  signal: AbortSignal;
  agentHosts: ReturnType<typeof agentHostsFrom>;
}

// The first failure keeps its type (it decides the account's status and backoff); the message names every resource
// that failed, so the operator sees which one is in trouble.
function resourceFailure(failed: { resource: MonarxPolledResource; err: unknown }[]): unknown {
  const first = failed[0].err;
  const text = failed.map(({ resource, err }) => `${resource}: ${(err as Error)?.message ?? String(err)}`).join('; ');
  if (first instanceof Error) {
    first.message = text;
    return first;
  }
  return new VendorTransientError(text);
}

// Settings are operator-edited JSON; each problem names the setting to fix.
export function monarxSettings(account: ConnectorAccount): MonarxSettings {
  const { settings, credentials } = account;
  const enterpriseId = settings.enterpriseId;
  const idText = typeof enterpriseId === 'number' && Number.isInteger(enterpriseId) ? String(enterpriseId) : enterpriseId;
  if (typeof idText !== 'string' || idText.trim() === '') {
    throw new VendorContractError('Monarx needs settings.enterpriseId (the enterprise id from the Monarx partner dashboard)');
  }

  let shape: MonarxApiShape;
  try {
    shape = resolveMonarxApiShape(settings.apiShape);
  } catch (err) {
    throw new VendorContractError(`settings.apiShape is invalid: ${(err as Error).message}`);
  }

  const baseUrl = account.baseUrl || shape.baseUrl;
  let protocol: string;
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    throw new VendorContractError(`baseUrl "${baseUrl}" is not a valid URL`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new VendorContractError(`baseUrl must be an http(s) URL, got "${baseUrl}"`);

  const overlapSeconds = settings.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  if (!isIntIn(overlapSeconds, 0, Number.MAX_SAFE_INTEGER / 1000)) {
    throw new VendorContractError(`settings.overlapSeconds must be a whole number of seconds, at least 0 (got ${show(overlapSeconds)})`);
  }
  const pageSize = settings.pageSize ?? shape.pageSize;
  if (!isIntIn(pageSize, 1, shape.pageSize)) {
    throw new VendorContractError(`settings.pageSize must be a whole number from 1 to ${shape.pageSize} (got ${show(pageSize)})`);
  }

  for (const name of ['apiId', 'apiSecret'] as const) {
    if (typeof credentials[name] !== 'string' || credentials[name] === '') throw new VendorContractError(`Monarx needs credentials.${name}`);
  }
  return { enterpriseId: idText.trim(), baseUrl, shape, overlapMs: overlapSeconds * 1000, pageSize, apiId: credentials.apiId, apiSecret: credentials.apiSecret };
}

// A stored cursor this version cannot read (none yet, another version's, a resource added since) starts the resource
// over from the backfill start: the repeats are dropped by external id, whereas failing would leave the operator
// with no way to reset it.
export function readMarks(cursor: PollCursor | null, start: number): Record<MonarxPolledResource, number> {
  const stored = cursor?.v === 1 && isObject(cursor.resources) ? cursor.resources : {};
  const marks = {} as Record<MonarxPolledResource, number>;
  for (const resource of MONARX_POLLED) {
    const entry = stored[resource];
    const since = isObject(entry) && typeof entry.since === 'string' ? Date.parse(entry.since) : NaN;
    marks[resource] = Number.isFinite(since) ? since : start;
  }
  return marks;
}

export function toCursor(marks: Record<MonarxPolledResource, number>): MonarxCursor {
  const resources = {} as MonarxCursor['resources'];
  for (const resource of MONARX_POLLED) resources[resource] = { since: new Date(marks[resource]).toISOString() };
  return { v: 1, resources };
}

// The record field the vendor sorts and filters the resource on (the query may name it differently, see
// resources.*.sinceField); the mark is the highest value of it already yielded.
function timeFieldOf(shape: MonarxApiShape, resource: MonarxPolledResource): string {
  switch (resource) {
    case 'agent-file':
      return shape.fields.agentFile.updatedAt;
    case 'agent-process':
      return shape.fields.agentProcess.createdAt;
    case 'event':
      return shape.fields.event.createdAt;
  }
}

// As the normalizer reads timestamps: ISO-8601 strings, or epoch seconds/milliseconds. Null for anything else.
function timestampOf(raw: unknown, field: string): number | null {
  if (!isObject(raw)) return null;
  const value = raw[field];
  let ms = NaN;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) ms = Date.parse(value.trim());
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : null;
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
