import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import type { ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import { DigestBrands } from './digest-brands';
import { DigestData } from './digest-data';
import { DigestRenderer } from './digest-renderer';
import { DigestSettingsService } from './digest-settings.service';
import type { Digest, DigestCounts } from './digest.entity';

export interface Prepared {
  brand: ResolvedBrand;
  subject: string;
  html: string;
  text: string;
  recipients: string[];
  messageId: string;
}

export type PrepareOutcome = { status: 'rendered'; prepared: Prepared } | { status: 'skipped' | 'failed'; reason: string } | { status: 'taken' };

const BATCH = 10;
const COLS = `id, organization_id AS "organizationId", customer_id AS "customerId", cadence, period_start AS "periodStart",
              period_end AS "periodEnd", generation, late, status`;

interface Outcome {
  id: string;
  status: 'rendered' | 'skipped' | 'failed';
  subject: string | null;
  html: string | null;
  text: string | null;
  recipients: string[];
  counts: DigestCounts | null;
  template_key: string | null;
  message_id: string | null;
  last_error: string | null;
  failure_kind: 'permanent' | null;
}

// pending → rendered (or skipped: empty period, no recipients; failed: the template cannot render it), for the
// asked-for row and, in a run, up to BATCH − 1 more pending rows of the same period: one locking statement, one
// settings lookup, one aggregation statement (DIGEST_BATCH_SQL), Handlebars per email, one update. Their own jobs
// then find them rendered and only claim and send. Rows are locked (FOR UPDATE, others SKIP LOCKED) until the
// rendering is stored, so no row is rendered twice.
@Injectable()
export class DigestPreparer {
  constructor(
    private readonly db: Database,
    private readonly data: DigestData,
    private readonly settings: DigestSettingsService,
    private readonly renderer: DigestRenderer,
    private readonly brands: DigestBrands,
  ) {}

  async prepare(first: Digest): Promise<PrepareOutcome> {
    return this.db.transaction(async (em) => {
      const own: Digest[] = await em.query(`SELECT ${COLS} FROM digests WHERE id = $1 AND status = 'pending' FOR UPDATE`, [first.id]);
      if (!own.length) return { status: 'taken' as const };
      const others: Digest[] = first.generation > 0 ? [] : await em.query(
        `SELECT ${COLS} FROM digests
         WHERE status = 'pending' AND generation = 0 AND cadence = $1 AND period_start = $2 AND period_end = $3 AND id <> $4
         ORDER BY created_at, id LIMIT ${BATCH - 1} FOR UPDATE SKIP LOCKED`,
        [first.cadence, first.periodStart, first.periodEnd, first.id],
      );
      const rows = [...own, ...others];
      const outcomes = await this.render(rows);
      await em.query(
        `UPDATE digests d SET status = v.status, subject = v.subject, html = v.html, text = v.text, recipients = coalesce(v.recipients, '{}'),
                counts = v.counts, template_key = v.template_key, message_id = v.message_id, last_error = v.last_error,
                failure_kind = v.failure_kind, updated_at = now()
         FROM json_to_recordset($1::json) AS v(id uuid, status text, subject text, html text, text text, recipients text[], counts jsonb,
              template_key text, message_id text, last_error text, failure_kind text)
         WHERE d.id = v.id AND d.status = 'pending'`,
        [JSON.stringify(outcomes.map((o) => o.row))],
      );
      const mine = outcomes[0];
      if (mine.row.status === 'rendered') return { status: 'rendered' as const, prepared: mine.prepared! };
      return { status: mine.row.status, reason: mine.row.last_error ?? mine.row.status };
    });
  }

  private async render(rows: Digest[]): Promise<{ row: Outcome; prepared?: Prepared }[]> {
    const settings = await this.settings.findForCustomers(rows.map((r) => r.customerId));
    const items: (Parameters<DigestData['buildMany']>[0][number] & { row: Digest })[] = [];
    for (const row of rows) {
      const s = settings.get(row.customerId);
      if (s) items.push({ row, settings: s, cadence: row.cadence, period: { start: new Date(row.periodStart), end: new Date(row.periodEnd) }, late: row.late, brand: await this.brands.get(row.organizationId, s.customer.brandId) });
    }
    const built = new Map((await this.data.buildMany(items)).map((b, i) => [items[i].row.id, b]));
    const out: { row: Outcome; prepared?: Prepared }[] = [];
    for (const row of rows) {
      const b = built.get(row.id);
      const base: Outcome = { id: row.id, status: 'skipped', subject: null, html: null, text: null, recipients: [], counts: null, template_key: null, message_id: null, last_error: null, failure_kind: null };
      if (!b) {
        out.push({ row: { ...base, last_error: 'customer no longer exists' } });
        continue;
      }
      const counts = countsOf(b.data);
      if (row.generation === 0 && b.data.status.empty && b.settings.subscription.skipWhenEmpty) {
        out.push({ row: { ...base, counts, last_error: 'empty period (skip when empty)' } });
        continue;
      }
      if (!b.settings.recipients.length) {
        out.push({ row: { ...base, counts, last_error: 'no recipient addresses' } });
        continue;
      }
      try {
        const { email, templateKey } = await this.renderer.render(row.organizationId, b.brand, `digest.${row.cadence}`, b.data);
        counts.htmlBytes = Buffer.byteLength(email.html);
        const messageId = messageIdFor(row.id, b.brand.senderEmail);
        out.push({
          row: { ...base, status: 'rendered', ...email, recipients: b.settings.recipients, counts, template_key: templateKey, message_id: messageId },
          prepared: { brand: b.brand, ...email, recipients: b.settings.recipients, messageId },
        });
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name !== 'TemplateRenderError' && name !== 'TemplateCompileError') throw err; // transient: the job retries
        out.push({ row: { ...base, status: 'failed', counts, failure_kind: 'permanent', last_error: `template: ${(err as Error).message}` } });
      }
    }
    return out;
  }
}

// Deterministic, so that a resend of the same row carries the same Message-ID (receivers may fold duplicates).
export function messageIdFor(id: string, senderEmail: string): string {
  const domain = /@([^>\s]+)$/.exec(senderEmail)?.[1] ?? 'localhost';
  return `<digest-${id}@${domain}>`;
}

export function countsOf(d: DigestTemplateData): DigestCounts {
  return {
    events: d.totals.events,
    detections: d.totals.detections,
    cleaned: d.status.cleaned,
    outstanding: d.status.outstanding,
    sites: d.status.sitesTotal,
    sitesAffected: d.status.sitesAffected,
    threats: d.topThreats.length + d.topThreatsMore,
  };
}
