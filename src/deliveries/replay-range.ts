import { ValidationError } from '../errors/domain-error';

// Which deliveries a bulk replay takes: created in [from, to), in one of the settled-unsuccessful states. Pure.
export const REPLAYABLE_STATUSES = ['failed', 'dead'] as const;
export type ReplayableStatus = (typeof REPLAYABLE_STATUSES)[number];

export interface ReplayRange {
  from: Date;
  to: Date;
  statuses: ReplayableStatus[];
}

export function checkReplayRange(input: { from?: unknown; to?: unknown; status?: unknown }): ReplayRange {
  const from = instant(input.from, 'from');
  const to = instant(input.to, 'to');
  if (from.getTime() >= to.getTime()) throw new ValidationError('to', 'to must be later than from');
  const raw = input.status === undefined || input.status === null ? [...REPLAYABLE_STATUSES] : Array.isArray(input.status) ? input.status : [input.status];
  if (raw.length === 0) throw new ValidationError('status', `status must name at least one of ${REPLAYABLE_STATUSES.join(', ')}`);
  const bad = raw.find((s) => !(REPLAYABLE_STATUSES as readonly unknown[]).includes(s));
  if (bad !== undefined) throw new ValidationError('status', `status must be ${REPLAYABLE_STATUSES.join(' or ')} (or a list of them), got ${JSON.stringify(bad)}`);
  return { from, to, statuses: [...new Set(raw as ReplayableStatus[])] };
}

function instant(v: unknown, field: string): Date {
  // An ISO 8601 date-time with its offset: a bare date or local time would mean a different instant per server.
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new ValidationError(field, `${field} is required: an ISO 8601 date-time with offset, e.g. 2026-12-01T00:00:00Z`);
  }
  return new Date(v);
}
