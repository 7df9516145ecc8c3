import { findInvalidText } from '../api/text-check';
import { EVENT_KINDS, EventKind, NormalizedEvent, SEVERITIES, Severity } from './normalized-event';
import { parseIsoTimestamp } from './iso-timestamp';
import { textProblem } from './stored-text';

export type PushedEventResult =
  | { ok: true; source: string; event: NormalizedEvent }
  | { ok: false; source: string | null; externalId: string | null; field: string; reason: string };

export const SOURCE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TEXT_FIELDS = ['classification', 'server', 'accountUser', 'domain', 'vendorSiteId', 'filePath', 'fileHash', 'process', 'threatName', 'vendorType'] as const;
const KNOWN_FIELDS = new Set<string>(['source', 'externalId', 'kind', 'severity', 'occurredAt', 'raw', ...TEXT_FIELDS]);
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
  // First: a misspelt field ("acountUser") would otherwise be dropped, and the event stored without what it carried.
  for (const key of Object.keys(o)) {
    if (!KNOWN_FIELDS.has(key)) return fail(key, unknownField(key));
  }
  if (typeof o.source !== 'string' || !SOURCE_RE.test(o.source)) {
    return fail('source', 'source is required: lower-case letters, digits, ".", "_" or "-", up to 64 characters (e.g. "imunify360")');
  }
  if (typeof o.externalId !== 'string' || o.externalId.length === 0 || o.externalId.length > 200) {
    return fail('externalId', 'externalId is required: the id of this event at its source, 1 to 200 characters');
  }
  const idProblem = textProblem(o.externalId);
  if (idProblem) return fail('externalId', `externalId ${idProblem}`);
  if (typeof o.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(o.kind)) {
    return fail('kind', `kind must be one of ${EVENT_KINDS.join(', ')}`);
  }
  if (o.severity !== undefined && o.severity !== null && !(SEVERITIES as readonly string[]).includes(o.severity as string)) {
    return fail('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  }
  if (typeof o.occurredAt !== 'string') return fail('occurredAt', 'occurredAt is required as an ISO-8601 timestamp with a time zone, e.g. 2026-11-23T08:00:00Z');
  const parsed = parseIsoTimestamp(o.occurredAt);
  if (!parsed.ok) return fail('occurredAt', `occurredAt ${quote(o.occurredAt)} ${parsed.reason}`);
  const occurredAt = parsed.date;
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return fail('occurredAt', 'occurredAt is more than a day in the future');
  const text: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> = {};
  for (const f of TEXT_FIELDS) {
    const v = o[f];
    if (v === undefined || v === null) text[f] = null;
    else if (typeof v !== 'string') return fail(f, `${f} must be a string`);
    else if (v.length > MAX_TEXT) return fail(f, `${f} is longer than ${MAX_TEXT} characters`);
    else {
      const problem = textProblem(v);
      if (problem) return fail(f, `${f} ${problem}`);
      text[f] = v;
    }
  }
  if (o.raw !== undefined && (typeof o.raw !== 'object' || o.raw === null)) return fail('raw', 'raw must be a JSON object when given');
  // As anywhere else in the API (api/text-check), but for this item only: its sender can correct it and push again.
  // (A vendor record's raw payload is stored with such characters written out as text instead: see jsonbSafe.)
  const rawProblem = o.raw === undefined ? null : findInvalidText(o.raw, 'raw');
  if (rawProblem) return fail(rawProblem.field, rawProblem.message);
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

function unknownField(key: string): string {
  const near = [...KNOWN_FIELDS].find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown field ${quote(key)}${near ? ` (did you mean "${near}"?)` : ''}: an event has ${[...KNOWN_FIELDS].join(', ')}`;
}

// The value as JSON, shortened: it goes into a sentence, and may hold anything.
function quote(value: string): string {
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 56)}..."` : json;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
