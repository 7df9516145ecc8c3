import { JsonField, JsonListSpec, SqlWhere } from '../api/json-page';
import { DeliveryQuery } from './deliveries.dto';

// DeliveryView's keys in DeliveryView.of()'s order: GET /v1/deliveries's JSON is written by PostgreSQL (json-page.ts).
export const DELIVERY_LIST: JsonListSpec = {
  table: 'deliveries',
  alias: 'd',
  sortColumn: 'created_at',
  idType: 'uuid',
  fields: ([
    ['id', 'd.id', 'json'], ['customerId', 'd.customer_id', 'json'], ['destination', 'd.destination', 'json'],
    ['destinationId', 'd.destination_id', 'json'], ['causeType', 'd.cause_type', 'json'], ['causeId', 'd.cause_id', 'json'],
    ['status', 'd.status', 'json'], ['attempts', 'd.attempts', 'json'],
    // as DeliveryView.of(): only a pending or failed delivery has a next attempt
    ['nextAttemptAt', `CASE WHEN d.status IN ('pending', 'failed') THEN d.next_attempt_at END`, 'time'],
    ['lastError', 'd.last_error', 'json'], ['payload', 'd.payload', 'jsonb'], ['replayRequestedBy', 'd.replay_requested_by', 'json'],
    ['createdAt', 'd.created_at', 'time'], ['updatedAt', 'd.updated_at', 'time'], ['deliveredAt', 'd.delivered_at', 'time'],
  ] satisfies JsonField[]),
};

export function deliveryListWhere(organizationId: string, q: DeliveryQuery): SqlWhere {
  const w = new SqlWhere('d', organizationId);
  if (q.status) w.add((p) => `d.status = ${p}`, q.status);
  if (q.customerId) w.add((p) => `d.customer_id = ${p}`, q.customerId);
  if (q.destination) w.add((p) => `d.destination = ${p}`, q.destination);
  if (q.destinationId) w.add((p) => `d.destination_id = ${p}`, q.destinationId);
  if (q.causeType) w.add((p) => `d.cause_type = ${p}`, q.causeType);
  if (q.causeId) w.add((p) => `d.cause_id = ${p}`, q.causeId);
  return w;
}
