import type { OutboundEvent, OutboundMessage } from './destination';

// The incident a message belongs to, as every adapter that keeps a thread per incident reads it (a paging incident, a
// ticket): its key and whether the message opens, updates or closes it. A rule's firing (rule.fired) names its incident
// as `rule:<rule id>:<incident>`, a transition's recovery says so with opens: false, and a later firing of an open
// incident (more detections on the infected site) with update: true. Pure.

export interface MessageIncident {
  key: string; // stable per incident, e.g. rule:<rule id>:<incident>
  closes: boolean; // the recovery: a reply that closes what the opening created
  updates: boolean; // neither opening nor closing: a reply or note on what the opening created, never a new thread
  data: Record<string, unknown>; // the firing's own fields (a bundle's items are merged with the shared ones)
}

// A message type or data that says a thing recovered or resolved (`*.resolved`, `*.recovered`, { action: 'resolve' },
// a rule firing's { opens: false }).
export function closesIncident(type: string, data: Record<string, unknown>): boolean {
  return /\.(resolved|recovered)$/.test(type) || data.action === 'resolve' || data.resolved === true || data.opens === false;
}

// A rule firing that is a later firing of an incident already open ({ update: true }).
export function updatesIncident(data: Record<string, unknown>): boolean {
  return data.update === true;
}

// A rule firing's incident key, or null when the data names no rule and incident.
export function ruleIncidentKey(data: Record<string, unknown>): string | null {
  const rule = data.rule && typeof data.rule === 'object' ? (data.rule as Record<string, unknown>).id : null;
  const incident = data.incident;
  const id = (v: unknown) => (typeof v === 'string' && v.trim()) || typeof v === 'number';
  return id(rule) && id(incident) ? `rule:${String(rule)}:${String(incident)}` : null;
}

// The incidents of a rule's message, in order: one, or one per firing when quiet hours held several into one message
// ({ firings: [...] } beside the shared rule, trigger and params). Empty when the message names no incident.
export function messageIncidents(m: OutboundMessage): MessageIncident[] {
  const event: OutboundEvent | undefined = m.event;
  if (!event) return [];
  const { firings, ...shared } = event.data as Record<string, unknown> & { firings?: unknown };
  const items = Array.isArray(firings) ? firings.filter((f) => f && typeof f === 'object').map((f) => ({ ...shared, ...(f as Record<string, unknown>) })) : [shared];
  return items.flatMap((data) => {
    const key = ruleIncidentKey(data);
    if (!key) return [];
    const closes = closesIncident(event.type, data);
    return [{ key, closes, updates: !closes && updatesIncident(data), data }];
  });
}
