import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventMatcher } from '../customers/event-matcher';
import { Metrics } from '../metrics/metrics';
import { NormalizedEvent, RejectedRecord } from './normalized-event';
import { NEW_EVENT_COLUMNS, NewEventHooks } from './new-event-hooks';
import { severityRank } from './severity';
import { jsonbSafe } from './stored-text';

export interface EventSource {
  organizationId: string;
  source: string; // 'va:<vendor account id>' or 'push:<name>'
  vendorAccountId: string | null;
}

export interface StoredEvent {
  id: string;
  externalId: string;
}

// The one write path into the event store: a batch in one statement, idempotent on (organization, source,
// external id), each event matched to its customer as it is written, and what other features do with new events
// (NewEventHooks, e.g. an urgent alert's delivery) done by the same statement. Text that PostgreSQL cannot hold (U+0000,
// unpaired surrogates) is written out as escape text (jsonbSafe), so that one odd character never fails the batch:
// connectors and the push refuse such normalized fields before they get here; a vendor record's raw payload (fields
// its connector does not read) and a rejected record's are stored that way.
@Injectable()
export class EventStore {
  constructor(
    private readonly matcher: EventMatcher,
    private readonly metrics: Metrics,
    private readonly hooks: NewEventHooks,
  ) {}

  // Returns the events that were new; duplicates (within the batch or already stored) are dropped silently.
  async insert(em: EntityManager, src: EventSource, events: readonly NormalizedEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const rows = events.map((e) => ({
      external_id: e.externalId,
      kind: e.kind,
      vendor_type: e.vendorType,
      classification: e.classification,
      severity: e.severity,
      severity_rank: severityRank(e.severity),
      server: e.server,
      agent_id: e.agentId,
      account_user: e.accountUser,
      domain: e.domain,
      vendor_site_id: e.vendorSiteId,
      file_path: e.filePath,
      file_hash: e.fileHash,
      process: e.process,
      threat_name: e.threatName,
      occurred_at: e.occurredAt.toISOString(),
      raw: e.raw ?? null,
      ...this.matcher.candidates(e),
    }));
    // The result holds the new events (with their external id, hook null) and then the ids each hook wrote.
    const hooks = this.hooks.all();
    const out: { id: string; external_id: string | null; hook: number | null }[] = await em.query(
      `WITH ins AS (
       INSERT INTO events (organization_id, vendor_account_id, source, external_id, kind, vendor_type, classification, severity,
                           severity_rank, server, agent_id, account_user, domain, vendor_site_id, file_path, file_hash, process,
                           threat_name, occurred_at, raw, customer_id, site_id, match_rule)
       SELECT $1, $2, $3, r.external_id, r.kind, r.vendor_type, r.classification, r.severity, r.severity_rank, r.server,
              r.agent_id, r.account_user, r.domain, r.vendor_site_id, r.file_path, r.file_hash, r.process, r.threat_name,
              r.occurred_at, COALESCE(r.raw, 'null'::jsonb), matched.customer_id, matched.site_id, matched.rule
       FROM jsonb_to_recordset($4::jsonb) AS r(external_id text, kind text, vendor_type text, classification text, severity text,
            severity_rank smallint, server text, agent_id text, account_user text, domain text, vendor_site_id text,
            file_path text, file_hash text, process text, threat_name text, occurred_at timestamptz, raw jsonb,
            keys text[], rules text[])
       ${this.matcher.resolveJoin('r', '$1')}
       -- One order for every writer: two pushes of the same events in different orders would otherwise each wait on a
       -- key the other inserted first (a deadlock, a 500 for one of them).
       ORDER BY r.external_id
       ON CONFLICT (organization_id, source, external_id) DO NOTHING
       RETURNING external_id, ${NEW_EVENT_COLUMNS}
       )${hooks.map((h, i) => `, h${i} AS (${h.sql('ins', '$1')})`).join('')}
       SELECT id::text, external_id, NULL::int AS hook FROM ins${hooks.map((_, i) => ` UNION ALL SELECT id::text, NULL, ${i} FROM h${i}`).join('')}`,
      [src.organizationId, src.vendorAccountId, src.source, jsonbSafe(JSON.stringify(rows))],
    );
    const inserted: StoredEvent[] = [];
    const written: string[][] = hooks.map(() => []);
    for (const r of out) {
      if (r.hook === null) inserted.push({ id: r.id, externalId: r.external_id! });
      else written[r.hook].push(r.id);
    }
    for (const [i, ids] of written.entries()) if (ids.length) await hooks[i].written(em, ids);
    this.metrics.eventsIngested.inc({ source: src.source.startsWith('push:') ? 'push' : 'vendor' }, inserted.length);
    return inserted;
  }

  // One row per record however often it is read again (overlap, retried pages, a repeated push): keyed by its external
  // id (hashed when long: the key is indexed), or by a hash of its payload when it has none; a repeat counts in
  // times_seen and takes the latest reason.
  // Returns how many of the records were rejected for the first time.
  async reject(em: EntityManager, src: EventSource, records: readonly RejectedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const rows = records.map((r) => ({ resource: r.resource, external_id: r.externalId, reason: r.reason, raw: r.raw ?? null }));
    // DISTINCT ON: a record twice in one batch (pages that overlap) must not hit its own row twice in one statement.
    const out: { inserted: boolean }[] = await em.query(
      `INSERT INTO rejected_records AS t (organization_id, vendor_account_id, source, resource, external_id, reason, raw, record_key)
       SELECT DISTINCT ON (r.resource, r.record_key) $1::uuid, $2::uuid, $3, r.resource, r.external_id, r.reason, r.raw, r.record_key
       FROM (SELECT x.*, CASE WHEN x.external_id IS NULL THEN 'raw:' || md5(COALESCE(x.raw::text, ''))
                                WHEN length(x.external_id) > 200 THEN 'id:' || md5(x.external_id) ELSE x.external_id END AS record_key
             FROM jsonb_to_recordset($4::jsonb) AS x(resource text, external_id text, reason text, raw jsonb)) r
       ON CONFLICT (organization_id, source, resource, record_key) DO UPDATE
         SET reason = EXCLUDED.reason, raw = EXCLUDED.raw, external_id = EXCLUDED.external_id,
             times_seen = t.times_seen + 1, last_seen_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [src.organizationId, src.vendorAccountId, src.source, jsonbSafe(JSON.stringify(rows))],
    );
    return out.filter((r) => r.inserted).length;
  }
}
