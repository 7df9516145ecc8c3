import type { FakeHandler } from './fake-channel-server';

// PagerDuty Events API v2 (channels.md §15): POST /v2/enqueue, JSON, the routing key in the body; 202
// {status:"success", message:"Event processed", dedup_key}; 400 {status:"invalid event", message, errors} for an
// invalid event (summary over 1024, missing source/severity, a dedup_key over 255, resolve without a dedup_key; the
// exact 400 wording is UNCONFIRMED) or an unknown routing key; 429 plain. Keeps the open alerts by dedup_key.
export function pagerDutyFake(routingKey: string): FakeHandler & { open: Set<string> } {
  const open = new Set<string>();
  const invalid = (...errors: string[]) => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } });
  const handler = ((r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    const j = r.json;
    if (!String(r.headers['content-type'] ?? '').startsWith('application/json') || !j) return { status: 400, body: { status: 'invalid event', message: 'Check that the JSON is valid' } };
    if (j.routing_key !== routingKey) return invalid("'routing_key' is invalid");
    if (!['trigger', 'acknowledge', 'resolve'].includes(j.event_action)) return invalid("'event_action' is invalid");
    if (j.dedup_key !== undefined && (typeof j.dedup_key !== 'string' || j.dedup_key.length > 255)) return invalid("'dedup_key' must be at most 255 characters");
    if (j.event_action === 'trigger') {
      const p = j.payload ?? {};
      if (typeof p.summary !== 'string' || !p.summary || p.summary.length > 1024) return invalid("'payload.summary' is missing or longer than 1024 characters");
      if (typeof p.source !== 'string' || !p.source) return invalid("'payload.source' is missing");
      if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) return invalid("'payload.severity' is invalid");
      const key = j.dedup_key ?? `gen-${open.size + 1}`;
      open.add(key);
      return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
    }
    if (!j.dedup_key) return invalid("'dedup_key' is required for " + j.event_action);
    open.delete(j.dedup_key);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: j.dedup_key } };
  }) as FakeHandler & { open: Set<string> };
  handler.open = open;
  return handler;
}
