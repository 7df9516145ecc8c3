import { Injectable } from '@nestjs/common';
import { jsonListPage } from '../api/json-page';
import type { Principal } from '../api-keys/api-keys.service';
import { Database } from '../db/database';
import { ConflictError, DomainError, NotFoundError } from '../errors/domain-error';
import { Clock } from './clock';
import { Cadence, isLate, latestDue, periodContaining } from './digest-period';
import { DigestData } from './digest-data';
import { DigestLedger } from './digest-ledger';
import { DigestRenderer } from './digest-renderer';
import { DigestScheduler } from './digest-scheduler';
import { countsOf } from './digest-sender';
import { DigestSettingsService, scheduleOf } from './digest-settings.service';
import { Digest } from './digest.entity';
import { DIGEST_LIST, digestListWhere } from './digest-list-query';
import { DigestPreviewView, DigestQuery, PreviewDigestDto, RunDigestsDto, RunResultView, DigestView } from './digests.dto';

// The operator's view of the ledger: list, read, preview without sending, run now, explicit resend.
@Injectable()
export class DigestsService {
  constructor(
    private readonly db: Database,
    private readonly ledger: DigestLedger,
    private readonly data: DigestData,
    private readonly settings: DigestSettingsService,
    private readonly renderer: DigestRenderer,
    private readonly scheduler: DigestScheduler,
    private readonly clock: Clock,
  ) {}

  // The page's JSON text (json-page.ts), passed through unparsed.
  list(organizationId: string, q: DigestQuery): Promise<string> {
    return jsonListPage(this.db, DIGEST_LIST, digestListWhere(organizationId, q), q);
  }

  async get(organizationId: string, id: string): Promise<Digest> {
    const d = await this.db.dataSource.getRepository(Digest).createQueryBuilder('d').addSelect(['d.html', 'd.text'])
      .where('d.id = :id AND d.organization_id = :organizationId', { id, organizationId }).getOne();
    if (!d) throw new NotFoundError('digest', id);
    return d;
  }

  async preview(organizationId: string, dto: PreviewDigestDto): Promise<DigestPreviewView> {
    const settings = await this.settings.get(organizationId, dto.customerId);
    const cadence = dto.cadence ?? (settings.subscription.cadence === 'off' ? 'weekly' : settings.subscription.cadence);
    const schedule = scheduleOf(settings.subscription, settings.customer, cadence);
    const period = dto.at ? periodContaining(schedule, new Date(dto.at)) : latestDue(schedule, this.clock.now())!.period;
    const built = await this.data.buildFull(settings, cadence, period, false);
    const { email } = await this.renderer.render(organizationId, built.brand, `digest.${cadence}`, built.data);
    return { ...email, cadence, periodStart: period.start, periodEnd: period.end, recipients: settings.recipients, counts: countsOf(built.data) };
  }

  async run(caller: Principal, dto: RunDigestsDto): Promise<RunResultView> {
    if (!dto.customerId) {
      const r = await this.scheduler.tick({ organizationId: caller.organizationId });
      return { due: r.due, queued: r.queued, existing: r.existing, late: r.late, rescheduled: r.rescheduled, digests: [] };
    }
    const settings = await this.settings.get(caller.organizationId, dto.customerId);
    const cadence: Cadence | undefined = dto.cadence ?? (settings.subscription.cadence === 'off' ? undefined : settings.subscription.cadence);
    if (!cadence) throw new DomainError('digest_off', 'this customer has digests off: pass a cadence to send one anyway', 422, 'cadence');
    const now = this.clock.now();
    const due = latestDue(scheduleOf(settings.subscription, settings.customer, cadence), now)!;
    const inserted = await this.db.transaction(async (em) => {
      const rows = await this.ledger.insert(em, [{
        organizationId: caller.organizationId, customerId: dto.customerId!, cadence, periodStart: due.period.start, periodEnd: due.period.end,
        scheduledAt: due.scheduledAt, late: isLate(due, now), requestedBy: `api:${caller.keyId}`,
      }]);
      return rows;
    });
    const row = await this.db.manager.findOneByOrFail(Digest, { customerId: dto.customerId, cadence, periodStart: due.period.start, generation: 0 });
    if (inserted.length) await this.scheduler.enqueue(row.id);
    return { due: 1, queued: inserted.length, existing: 1 - inserted.length, late: inserted.length && row.late ? 1 : 0, rescheduled: 0, digests: [DigestView.of(row)] };
  }

  // Explicit and logged: a new generation of the same period, requested by this API key. An `unknown` row (cut
  // off mid-send) is resent under the same Message-ID so that a copy that did arrive can be recognised.
  async resend(caller: Principal, id: string): Promise<Digest> {
    const original = await this.get(caller.organizationId, id);
    if (['pending', 'rendered', 'sending'].includes(original.status)) {
      throw new ConflictError('digest_in_progress', `digest ${id} is ${original.status}; wait for it to finish before resending`);
    }
    const newId = await this.db.transaction(async (em) => {
      const [{ next }] = await em.query(
        `SELECT coalesce(max(generation), 0) + 1 AS next FROM digests WHERE customer_id = $1 AND cadence = $2 AND period_start = $3`,
        [original.customerId, original.cadence, original.periodStart],
      );
      const [row] = await this.ledger.insert(em, [{
        organizationId: original.organizationId, customerId: original.customerId, cadence: original.cadence, periodStart: original.periodStart,
        periodEnd: original.periodEnd, scheduledAt: this.clock.now(), late: false, generation: next, resendOf: original.id,
        requestedBy: `api:${caller.keyId}`,
      }]);
      if (!row) throw new ConflictError('resend_in_progress', 'another resend of this digest was just requested');
      if (original.html !== null && original.subject !== null) {
        // The same content as the original; the same Message-ID when the original's fate is unknown.
        await em.query(
          `UPDATE digests n SET status = 'rendered', subject = o.subject, html = o.html, text = o.text, recipients = o.recipients,
                  counts = o.counts, template_key = o.template_key,
                  message_id = CASE WHEN o.status = 'unknown' THEN o.message_id ELSE '<' || n.id || '.' || n.generation || substring(o.message_id from '@.*$') END
           FROM digests o WHERE n.id = $1 AND o.id = $2`,
          [row.id, original.id],
        );
      }
      return row.id;
    });
    await this.scheduler.enqueue(newId);
    return this.get(caller.organizationId, newId);
  }
}
