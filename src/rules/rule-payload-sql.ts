// The events of a firing (its first 50 ids) as a message lists them, snapshotted into the delivery's payload
// (retention may purge the events before a retry).
export const EVENT_LIST_SQL = (f: string) => `coalesce((
  SELECT jsonb_agg(jsonb_build_object('id', e.id::text, 'kind', e.kind, 'severity', e.severity, 'threatName', left(e.threat_name, 500),
           'filePath', left(e.file_path, 2048), 'process', left(e.process, 2048), 'server', e.server, 'domain', e.domain,
           'siteId', e.site_id, 'siteDomain', (SELECT st.domains[1] FROM sites st WHERE st.id = e.site_id), 'occurredAt', e.occurred_at) ORDER BY e.occurred_at, e.id)
  FROM events e WHERE e.id = ANY(${f}.event_ids)), '[]'::jsonb)`;
