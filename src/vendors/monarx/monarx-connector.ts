import { Injectable } from '@nestjs/common';
import { HttpClient } from '../../http/http-client';
import { ConnectorAccount, ConnectorPage, PollCursor, PollOptions, VendorConnector } from '../vendor-connector';
import { VendorContractError, VendorCursorExpiredError } from '../vendor-errors';
import { NormalizedEvent, RejectedRecord } from '../vendor-event';
import { MonarxApiShape, resolveMonarxApiShape } from './monarx-api-shape';
import { MonarxClient } from './monarx-client';
import { agentHostsFrom, normalizeMonarxRecord } from './monarx-normalize';

// Polled in this order; agents are read first, only to name the servers.
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

// Incremental polling reads each resource from (high-water mark − overlap), sorted ascending by its timestamp.
// A record that arrives late, with a timestamp older than the mark but inside the overlap window, is picked up by the
// next run; one later than the overlap is missed. settings.overlapSeconds trades re-reads (every run reads the
// window again; the event store drops the repeats by external id) for that safety.
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

  async *poll(account: ConnectorAccount, cursor: PollCursor | null, { now, signal }: PollOptions): AsyncGenerator<ConnectorPage> {
    const s = monarxSettings(account);
    if (signal.aborted) return;
    const client = this.client(s);
    const start = account.backfillFrom?.getTime() ?? now.getTime() - DEFAULT_LOOKBACK_MS;
    const marks = readMarks(cursor, start);
    const agentHosts = agentHostsFrom(await client.listAgents(), s.shape);

    for (const resource of MONARX_POLLED) {
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
            for (const raw of items) {
              const result = normalizeMonarxRecord(resource, raw, { agentHosts, shape: s.shape });
              if (result.ok) events.push(...result.events);
              else rejected.push(result.rejected);
              const at = timestampOf(raw, timeField);
              // Capped at now: one record stamped in the future (a vendor clock, a bad value) must not move the mark
              // past everything still to come; it is read again by the next runs instead.
              if (at !== null) marks[resource] = Math.max(marks[resource], Math.min(at, now.getTime()));
            }
            // Also when every record was rejected, so that the rejections and the cursor past them are committed.
            yield { events, rejected, cursor: toCursor(marks) };
            if (signal.aborted) return;
          }
          break;
        } catch (err) {
          if (!(err instanceof VendorCursorExpiredError) || restarted) throw err;
          restarted = true; // once per resource and run; a second expiry goes to the poll job's retry
        }
      }
    }
  }

  private client(s: MonarxSettings): MonarxClient {
    return new MonarxClient(this.http, { enterpriseId: s.enterpriseId, apiId: s.apiId, apiKey: s.apiSecret, baseUrl: s.baseUrl, shape: s.shape });
  }
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
