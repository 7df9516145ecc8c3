import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database } from '../db/database';
import { messageIdAt } from '../mail/message-id';
import type { ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { DigestBrands } from './digest-brands';
import { DigestData } from './digest-data';
import { DigestRenderer } from './digest-renderer';
import { DigestSettingsService } from './digest-settings.service';
import type { Digest, DigestCounts } from './digest.entity';

export interface Prepared {
  brand: ResolvedBrand;
  subject: string;
  html: Buffer; // UTF-8
  text: string;
  recipients: string[];
  messageId: string;
}

// `others`: the rows of the batch besides the asked-for one that were rendered, as sent (see DigestSender's handoff).
export type PrepareOutcome =
  | { status: 'rendered'; prepared: Prepared; others: Map<string, Prepared> }
  | { status: 'skipped' | 'failed'; reason: string; others: Map<string, Prepared> }
  | { status: 'taken' };

const BATCH = 10;
const COLS = `id, organization_id AS "organizationId", customer_id AS "customerId", cadence, period_start AS "periodStart",
              period_end AS "periodEnd", generation, late, status`;

interface Outcome {
  id: string;
  status: 'rendered' | 'skipped' | 'failed';
  subject: string | null;
  html: Buffer | null; // UTF-8; a Buffer parameter reaches PostgreSQL as the text's bytes
  text: string | null;
  recipients: string[];
  counts: DigestCounts | null;
  template_key: string | null;
  message_id: string | null;
  last_error: string | null;
  failure_kind: 'permanent' | null;
}

// The columns the preparer stores, in the order of its VALUES rows (a cast where text is not the type).
const STORED: { name: keyof Outcome; cast: string }[] = [
  { name: 'id', cast: '::uuid' }, { name: 'status', cast: '' }, { name: 'subject', cast: '' }, { name: 'html', cast: '' }, { name: 'text', cast: '' },
  { name: 'recipients', cast: '::text[]' }, { name: 'counts', cast: '::jsonb' }, { name: 'template_key', cast: '' }, { name: 'message_id', cast: '' },
  { name: 'last_error', cast: '' }, { name: 'failure_kind', cast: '' },
];

// pending → rendered (or skipped: empty period, no recipients; failed: the template cannot render it), for the
// asked-for row and, in a run, up to BATCH − 1 more pending rows of the same period: one locking statement, one
// settings lookup, one aggregation statement (DIGEST_BATCH_SQL), Handlebars per email, one update. Their own jobs
// then find them rendered and only claim and send. A short preparation lease on the rows (taken with FOR UPDATE
// SKIP LOCKED) keeps two workers from rendering the same row; a crashed preparer's lease simply runs out.
@Injectable()
export class DigestPreparer {
  private readonly owner = `prepare:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly db: Database,
    private readonly data: DigestData,
    private readonly settings: DigestSettingsService,
    private readonly renderer: DigestRenderer,
    private readonly brands: DigestBrands,
  ) {}

  // `prefer`: rows to take into the batch first (the jobs its worker fetched with this one, which it sends next).
  async prepare(first: Digest, prefer: readonly string[] = []): Promise<PrepareOutcome> {
    // Take the rows with a short preparation lease (one statement, no transaction held while rendering, so that a
    // worker never needs two pool connections at once). Not a named statement: its plan depends on whether it fills
    // up with other rows ($6), which a generic plan cannot know.
    const rows: Digest[] = await this.unnamed(
      `UPDATE digests SET lease_owner = $5, lease_until = now() + interval '60 seconds'
       WHERE id IN (
         SELECT id FROM digests
         WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < now())
           AND (id = $1 OR id = ANY($7::uuid[]) OR ($6 AND generation = 0 AND cadence = $2 AND period_start = $3 AND period_end = $4))
         ORDER BY (id = $1) DESC, (id = ANY($7::uuid[])) DESC, created_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING ${COLS}`,
      // With batch-mates (the jobs its worker fetched with this one) the batch is exactly those: another worker's
      // rows taken here would only make that worker wait for them and read them back. Alone, it fills up with
      // pending rows of the same period.
      [first.id, first.cadence, first.periodStart, first.periodEnd, this.owner, first.generation === 0 && prefer.length === 0, prefer],
    );
    if (!rows.some((r) => r.id === first.id)) {
      await this.releaseLeases(rows);
      return { status: 'taken' };
    }
    rows.sort((a, b) => (a.id === first.id ? -1 : b.id === first.id ? 1 : 0));
    let outcomes: { row: Outcome; prepared?: Prepared }[];
    try {
      outcomes = await this.render(rows);
    } catch (err) {
      await this.releaseLeases(rows);
      throw err;
    }
    await this.store(outcomes.map((o) => o.row));
    const [mine, ...rest] = outcomes;
    const others = new Map(rest.filter((o) => o.prepared).map((o) => [o.row.id, o.prepared!]));
    if (mine.row.status === 'rendered') return { status: 'rendered', prepared: mine.prepared!, others };
    return { status: mine.row.status, reason: mine.row.last_error ?? mine.row.status, others };
  }

  // The batch's outcomes in one UPDATE, each value its own parameter: no JSON around 70 KB of HTML per row, which
  // cost PostgreSQL a character-by-character parse (json_to_recordset) and the service a JSON.stringify (together
  // ~0.9 ms per email). One named statement per batch size.
  private async store(rows: Outcome[]): Promise<void> {
    const cols = STORED.length;
    const values = rows.map((_, r) => `(${STORED.map((c, i) => `$${r * cols + i + 2}${c.cast}`).join(', ')})`).join(', ');
    await this.db.rows(
      `UPDATE digests d SET status = v.status, subject = v.subject, html = v.html, text = v.text, recipients = coalesce(v.recipients, '{}'),
              counts = v.counts, template_key = v.template_key, message_id = v.message_id, last_error = v.last_error,
              failure_kind = v.failure_kind, lease_owner = NULL, lease_until = NULL, updated_at = now()
       FROM (VALUES ${values}) AS v(${STORED.map((c) => c.name).join(', ')})
       WHERE d.id = v.id AND d.status = 'pending' AND d.lease_owner = $1`,
      [this.owner, ...rows.flatMap((row) => STORED.map((c) => (c.name === 'counts' && row.counts ? JSON.stringify(row.counts) : row[c.name])))],
    );
  }

  // Another worker is preparing this row (in its batch): wait until it is done, or take over if its lease ran out.
  async waitPrepared(id: string, timeoutMs = 60_000): Promise<'ready' | 'pending'> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const [r]: { status: string; free: boolean }[] = await this.db.rows(
        `SELECT status, (lease_until IS NULL OR lease_until < now()) AS free FROM digests WHERE id = $1`, [id]);
      if (!r || r.status !== 'pending') return 'ready';
      if (r.free) return 'pending';
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'pending';
  }

  private async releaseLeases(rows: Digest[]): Promise<void> {
    if (!rows.length) return;
    await this.db.rows(
      `UPDATE digests SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1::uuid[]) AND status = 'pending' AND lease_owner = $2`,
      [rows.map((r) => r.id), this.owner],
    );
  }

  // TypeORM answers an UPDATE with [rows, count]; this is the rows of UPDATE … RETURNING.
  private async unnamed<T>(sql: string, params: unknown[]): Promise<T[]> {
    const res = await this.db.dataSource.query(sql, params);
    return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as T[];
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
        const { email, templateKey, htmlPartBytes } = await this.renderer.render(row.organizationId, b.brand, `digest.${row.cadence}`, b.data);
        // The HTML as UTF-8 at once: stored and sent from outside the JavaScript heap (see encodedPart).
        const html = Buffer.from(email.html, 'utf8');
        counts.htmlBytes = html.length;
        counts.htmlPartBytes = htmlPartBytes;
        const messageId = messageIdFor(row.id, b.brand.senderEmail);
        const content = { subject: email.subject, html, text: email.text };
        out.push({
          row: { ...base, status: 'rendered', ...content, recipients: b.settings.recipients, counts, template_key: templateKey, message_id: messageId },
          prepared: { brand: b.brand, ...content, recipients: b.settings.recipients, messageId },
        });
      } catch (err) {
        // A template that cannot render this customer's data fails the same way on every retry: recorded, not retried.
        if (!(err instanceof TemplateRenderError || err instanceof TemplateCompileError)) throw err; // transient: the job retries
        out.push({ row: { ...base, status: 'failed', counts, failure_kind: 'permanent', last_error: `template: ${(err as Error).message}` } });
      }
    }
    return out;
  }
}

// Deterministic, so that a resend of the same row carries the same Message-ID (receivers may fold duplicates).
export function messageIdFor(id: string, senderEmail: string): string {
  return messageIdAt(`digest-${id}`, senderEmail);
}

export function countsOf(d: DigestTemplateData): DigestCounts {
  return {
    events: d.totals.events,
    detections: d.totals.detections,
    threats: d.status.threats,
    cleaned: d.status.cleaned,
    outstanding: d.status.outstanding,
    sites: d.status.sitesTotal,
    sitesAffected: d.status.sitesAffected,
    sitesCleanedThisMonth: d.status.sitesCleanedThisMonth,
  };
}
