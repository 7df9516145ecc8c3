import { JsonField, JsonListSpec, SqlWhere } from '../api/json-page';
import { DigestQuery } from './digests.dto';

// DigestView's keys in DigestView.of()'s order: GET /v1/digests's JSON is written by PostgreSQL (json-page.ts).
export const DIGEST_LIST: JsonListSpec = {
  table: 'digests',
  alias: 'd',
  sortColumn: 'created_at',
  idType: 'uuid',
  fields: ([
    ['id', 'd.id', 'json'], ['customerId', 'd.customer_id', 'json'], ['cadence', 'd.cadence', 'json'], ['periodStart', 'd.period_start', 'time'],
    ['periodEnd', 'd.period_end', 'time'], ['generation', 'd.generation', 'json'], ['resendOf', 'd.resend_of', 'json'],
    ['requestedBy', 'd.requested_by', 'json'], ['scheduledAt', 'd.scheduled_at', 'time'], ['late', 'd.late', 'json'], ['status', 'd.status', 'json'],
    ['attempts', 'd.attempts', 'json'], ['interruptions', 'd.interruptions', 'json'], ['lastError', 'd.last_error', 'json'],
    ['failureKind', 'd.failure_kind', 'json'], ['messageId', 'd.message_id', 'json'], ['sentAt', 'd.sent_at', 'time'],
    ['recipients', 'd.recipients', 'json'], ['rejected', 'd.rejected', 'json'], ['subject', 'd.subject', 'json'], ['counts', 'd.counts', 'jsonb'],
    ['createdAt', 'd.created_at', 'time'], ['updatedAt', 'd.updated_at', 'time'],
  ] satisfies JsonField[]),
};

export function digestListWhere(organizationId: string, q: DigestQuery): SqlWhere {
  const w = new SqlWhere('d', organizationId);
  if (q.customerId) w.add((p) => `d.customer_id = ${p}`, q.customerId);
  if (q.status) w.add((p) => `d.status = ${p}`, q.status);
  if (q.cadence) w.add((p) => `d.cadence = ${p}`, q.cadence);
  if (q.from) w.add((p) => `d.period_start >= ${p}`, new Date(q.from));
  if (q.to) w.add((p) => `d.period_start < ${p}`, new Date(q.to));
  return w;
}
