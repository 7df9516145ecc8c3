import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { jsonListPage } from '../api/json-page';
import { paginate, Page } from '../api/pagination';
import { Database } from '../db/database';
import { NotFoundError } from '../errors/domain-error';
import { NormalizedEvent, RejectedRecord } from './normalized-event';
import { SecurityEvent } from './event.entity';
import { EventQuery, PushItemResult, PushResultView } from './events.dto';
import { EVENT_LIST, eventListWhere } from './event-list-query';
import { EventStore } from './event-store';
import { parsePushedEvent, SOURCE_RE } from './pushed-event';
import { RejectedRecordRow } from './rejected-record.entity';

@Injectable()
export class EventsService {
  private readonly events: Repository<SecurityEvent>;
  private readonly rejected: Repository<RejectedRecordRow>;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {
    this.events = db.dataSource.getRepository(SecurityEvent);
    this.rejected = db.dataSource.getRepository(RejectedRecordRow);
  }

  // The hottest read of the API: the page's JSON text as PostgreSQL wrote it (json-page.ts), passed through unparsed.
  list(organizationId: string, q: EventQuery): Promise<string> {
    return jsonListPage(this.db, EVENT_LIST, eventListWhere(organizationId, q), q);
  }

  async get(organizationId: string, id: string): Promise<SecurityEvent> {
    const event = /^\d{1,19}$/.test(id)
      ? await this.events.createQueryBuilder('e').addSelect('e.raw').where('e.id = :id AND e.organization_id = :organizationId', { id, organizationId }).getOne()
      : null;
    if (!event) throw new NotFoundError('event', id);
    return event;
  }

  listRejected(organizationId: string, q: { vendorAccountId?: string; source?: string; limit?: number; cursor?: string }): Promise<Page<RejectedRecordRow>> {
    const qb = this.rejected.createQueryBuilder('r').where('r.organization_id = :organizationId', { organizationId });
    if (q.vendorAccountId) qb.andWhere('r.vendor_account_id = :v', { v: q.vendorAccountId });
    if (q.source) qb.andWhere('r.source = :s', { s: q.source });
    return paginate(qb, q, { table: 'rejected_records', sortColumn: 'received_at', idType: 'bigint' });
  }

  // Push ingestion: every item is judged on its own; valid ones are stored (idempotent on source + external id),
  // invalid ones are reported with field and reason and kept as rejected records.
  async push(organizationId: string, items: unknown[], now = new Date()): Promise<PushResultView> {
    const results: PushItemResult[] = [];
    const accepted = new Map<string, { index: number; event: NormalizedEvent }[]>();
    const rejected = new Map<string, RejectedRecord[]>();
    items.forEach((item, index) => {
      const p = parsePushedEvent(item, now);
      if (p.ok) {
        results[index] = { index, status: 'duplicate' };
        accepted.set(p.source, [...(accepted.get(p.source) ?? []), { index, event: p.event }]);
      } else {
        results[index] = { index, status: 'rejected', field: p.field, reason: p.reason };
        const source = p.source && SOURCE_RE.test(p.source) ? p.source : 'unknown';
        const record = { resource: 'push', externalId: p.externalId, reason: `${p.field ? `${p.field}: ` : ''}${p.reason}`, raw: item };
        rejected.set(source, [...(rejected.get(source) ?? []), record]);
      }
    });
    await this.db.transaction(async (em) => {
      for (const [source, batch] of accepted) {
        const src = { organizationId, source: `push:${source}`, vendorAccountId: null };
        const stored = new Map((await this.store.insert(em, src, batch.map((b) => b.event))).map((s) => [s.externalId, s.id]));
        for (const { index, event } of batch) {
          // The first item with an external id takes it; a repeat within the same request is a duplicate.
          const id = stored.get(event.externalId);
          if (id) {
            results[index] = { index, status: 'created', id };
            stored.delete(event.externalId);
          }
        }
      }
      for (const [source, records] of rejected) await this.store.reject(em, { organizationId, source: `push:${source}`, vendorAccountId: null }, records);
    });
    const count = (s: PushItemResult['status']) => results.filter((r) => r.status === s).length;
    return { created: count('created'), duplicates: count('duplicate'), rejected: count('rejected'), results };
  }
}
