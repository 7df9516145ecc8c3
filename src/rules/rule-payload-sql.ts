// The events of a firing (its first 50 ids) as a message lists them, snapshotted into the delivery's payload
// (retention may purge the events before a retry).
export const EVENT_LIST_SQL = (f: string) => `coalesce((
  SELECT jsonb_agg(jsonb_build_object('id', e.id::text, 'kind', e.kind, 'severity', e.severity, 'threatName', left(e.threat_name, 500),
           'filePath', left(e.file_path, 2048), 'process', left(e.process, 2048), 'server', e.server, 'domain', e.domain,
           'siteId', e.site_id, 'siteDomain', (SELECT st.domains[1] FROM sites st WHERE st.id = e.site_id), 'occurredAt', e.occurred_at) ORDER BY e.occurred_at, e.id)
  FROM events e WHERE e.id = ANY(${f}.event_ids)), '[]'::jsonb)`;

// A firing as its message lists it (`f`: a rule_firings row with its `events`), with its customer: where a billing or
// helpdesk adapter finds the customer's client or requester without an id of its own (emails, domains).
export const FIRING_JSON = `jsonb_build_object('id', f.id, 'group', f.group_key, 'incident', f.incident, 'firedAt', f.first_at,
  'suppressed', f.suppressed, 'eventCount', f.event_count, 'more', greatest(0, f.event_count - cardinality(f.event_ids)),
  'data', f.data, 'events', f.events,
  'customer', (SELECT jsonb_build_object('id', c.id, 'externalRef', c.external_ref, 'name', c.name, 'emails', c.emails,
    'domains', (SELECT coalesce(jsonb_agg(d ORDER BY d), '[]'::jsonb) FROM (SELECT DISTINCT unnest(s.domains) AS d FROM sites s WHERE s.customer_id = c.id LIMIT 20) x))
  FROM customers c WHERE c.id = f.customer_id))`;

// The firings being sent ($1: their ids) as one message body (CTEs `f` and `body`): the firings, the customer of them
// all when there is one, and the highest severity rank. Every rule action's delivery (a destination's, a contact's
// channel, the customer's recipients) carries this same body.
export const FIRINGS_BODY_SQL = `
  f AS (SELECT f.*, ${EVENT_LIST_SQL('f')} AS events FROM rule_firings f WHERE f.id = ANY($1::uuid[])),
  body AS (
    SELECT jsonb_agg(${FIRING_JSON} ORDER BY f.first_at, f.id) AS firings,
           (array_agg(f.customer_id ORDER BY f.first_at, f.id))[1] AS customer_id,
           count(DISTINCT f.customer_id) AS customers,
           max(f.max_severity_rank) AS rank
    FROM f
  )`;
