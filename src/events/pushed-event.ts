import { EVENT_KINDS, EventKind, NormalizedEvent, SEVERITIES, Severity } from '../vendors/vendor-event';

export type PushedEventResult =
  | { ok: true; source: string; event: NormalizedEvent }
  | { ok: false; source: string | null; externalId: string | null; field: string; reason: string };

export const SOURCE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TEXT_FIELDS = ['classification', 'server', 'accountUser', 'domain', 'vendorSiteId', 'filePath', 'fileHash', 'process', 'threatName', 'vendorType'] as const;
const MAX_TEXT = 4096;
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

// One item of POST /v1/events, checked on its own so that a bad item is reported and the rest still go in.
export function parsePushedEvent(item: unknown, now: Date): PushedEventResult {
  const fail = (field: string, reason: string): PushedEventResult => ({
    ok: false,
    source: typeof (item as { source?: unknown })?.source === 'string' ? (item as { source: string }).source : null,
    externalId: typeof (item as { externalId?: unknown })?.externalId === 'string' ? (item as { externalId: string }).externalId : null,
    field,
    reason,
  });
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail('', 'each event must be a JSON object');
  const o = item as Record<string, unknown>;
  if (typeof o.source !== 'string' || !SOURCE_RE.test(o.source)) {
    return fail('source', 'source is required: lower-case letters, digits, ".", "_" or "-", up to 64 characters (e.g. "imunify360")');
  }
  if (typeof o.externalId !== 'string' || o.externalId.length === 0 || o.externalId.length > 200) {
    return fail('externalId', 'externalId is required: the id of this event at its source, 1 to 200 characters');
  }
  if (typeof o.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(o.kind)) {
    return fail('kind', `kind must be one of ${EVENT_KINDS.join(', ')}`);
  }
  if (o.severity !== undefined && o.severity !== null && !(SEVERITIES as readonly string[]).includes(o.severity as string)) {
    return fail('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  }
  const occurredAt = typeof o.occurredAt === 'string' ? new Date(o.occurredAt) : null;
  if (!occurredAt || Number.isNaN(occurredAt.getTime())) return fail('occurredAt', 'occurredAt is required as an ISO-8601 timestamp');
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return fail('occurredAt', 'occurredAt is more than a day in the future');
  const text: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> = {};
  for (const f of TEXT_FIELDS) {
    const v = o[f];
    if (v === undefined || v === null) text[f] = null;
    else if (typeof v !== 'string') return fail(f, `${f} must be a string`);
    else if (v.length > MAX_TEXT) return fail(f, `${f} is longer than ${MAX_TEXT} characters`);
    else text[f] = v;
  }
  if (o.raw !== undefined && (typeof o.raw !== 'object' || o.raw === null)) return fail('raw', 'raw must be a JSON object when given');
  return {
    ok: true,
    source: o.source,
    event: {
      externalId: o.externalId,
      kind: o.kind as EventKind,
      vendorType: text.vendorType ?? o.kind,
      classification: text.classification ?? null,
      severity: (o.severity as Severity | undefined) ?? null,
      server: text.server?.toLowerCase() ?? null,
      agentId: null,
      accountUser: text.accountUser ?? null,
      domain: text.domain?.toLowerCase().replace(/\.$/, '') ?? null,
      vendorSiteId: text.vendorSiteId ?? null,
      filePath: text.filePath ?? null,
      fileHash: text.fileHash ?? null,
      process: text.process ?? null,
      threatName: text.threatName ?? null,
      occurredAt,
      raw: o.raw ?? o,
    },
  };
}
