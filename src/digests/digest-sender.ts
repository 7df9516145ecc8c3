import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BrandsService } from '../brands/brands.service';
import { AppConfig } from '../config/app-config';
import { MailError } from '../mail/mail-errors';
import { Mailer } from '../mail/mailer';
import type { ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import { DigestData } from './digest-data';
import { DigestLedger } from './digest-ledger';
import { DigestRenderer } from './digest-renderer';
import { DigestSettingsService } from './digest-settings.service';
import { Digest, DigestCounts } from './digest.entity';
import { UnsubscribeLinks } from './unsubscribe-links';

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; permanent: true };

// Thrown for a failure a later attempt may get past (SMTP 4xx or down, database hiccup): the job engine retries it.
export class TransientSendError extends Error {}

// One ledger row to one email, exactly once: render (pending → rendered, stored), claim (rendered → sending, with
// a lease, its own statement), SMTP, record (→ sent / failed) in the next statement. See README "Exactly once".
@Injectable()
export class DigestSender {
  private readonly logger = new Logger('Digests');
  private readonly owner = `${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: DigestLedger,
    private readonly data: DigestData,
    private readonly settings: DigestSettingsService,
    private readonly renderer: DigestRenderer,
    private readonly brands: BrandsService,
    private readonly mailer: Mailer,
    private readonly links: UnsubscribeLinks,
  ) {}

  async send(id: string): Promise<SendOutcome> {
    const row = await this.ledger.get(id);
    if (!row) return { status: 'skipped', reason: 'digest no longer exists' };
    if (['sent', 'skipped', 'unknown'].includes(row.status)) return { status: 'skipped', reason: `already ${row.status}` };
    if (row.status === 'failed' && row.failureKind === 'permanent') return { status: 'skipped', reason: 'failed permanently' };
    if (row.status === 'sending') {
      if (await this.ledger.markInterrupted(id)) return { status: 'skipped', reason: 'interrupted send marked unknown' };
      return { status: 'skipped', reason: 'being sent by another worker' };
    }
    let rendered: Rendered | null = null;
    if (row.status === 'pending') {
      const prepared = await this.prepare(row);
      if ('status' in prepared) return prepared;
      rendered = prepared;
    }
    return this.deliver(row, rendered);
  }

  // pending → rendered (or skipped when empty / no recipients).
  private async prepare(row: Digest): Promise<SendOutcome | Rendered> {
    const settings = await this.settings.findForCustomer(row.customerId);
    if (!settings) return { status: 'skipped', reason: 'customer no longer exists' };
    try {
      const brand = await this.brand(row.organizationId, settings.customer.brandId);
      const built = await this.data.buildFull(settings, row.cadence, { start: row.periodStart, end: row.periodEnd }, row.late, brand);
      const counts = countsOf(built.data);
      const explicit = row.generation > 0;
      if (!explicit && built.data.status.empty && settings.subscription.skipWhenEmpty) {
        await this.ledger.markSkipped(row.id, 'empty period (skip when empty)', counts);
        return { status: 'skipped', reason: 'empty' };
      }
      if (!settings.recipients.length) {
        await this.ledger.markSkipped(row.id, 'no recipient addresses', counts);
        return { status: 'skipped', reason: 'no recipients' };
      }
      const { email, templateKey } = await this.renderer.render(row.organizationId, built.brand, `digest.${row.cadence}`, built.data);
      counts.htmlBytes = Buffer.byteLength(email.html);
      const messageId = messageIdFor(row.id, built.brand.senderEmail);
      if (!(await this.ledger.markRendered(row.id, { ...email, recipients: settings.recipients, counts, templateKey, messageId }))) {
        return { status: 'skipped', reason: 'rendered by another worker' }; // it goes on to send it
      }
      return { brand: built.brand, html: email.html, text: email.text };
    } catch (err) {
      if ((err as { name?: string }).name === 'TemplateRenderError' || (err as { name?: string }).name === 'TemplateCompileError') {
        await this.ledger.failPending(row.id, `template: ${(err as Error).message}`);
        return { status: 'failed', reason: (err as Error).message, permanent: true };
      }
      await this.ledger.noteError(row.id, (err as Error).message);
      throw err;
    }
  }

  // rendered → sending → sent | failed.
  private async deliver(row: Digest, rendered: Rendered | null): Promise<SendOutcome> {
    // Everything that can be done before the claim is: the window between claim and record is SMTP alone.
    const brand = rendered?.brand ?? (await this.brand(row.organizationId, await this.brandIdOf(row.customerId)));
    const unsubscribe = this.links.forCustomer(brand.publicBaseUrl, row.customerId);
    const claimed = await this.ledger.claim(row.id, this.owner, this.config.digests.leaseSeconds, !rendered);
    if (!claimed) return { status: 'skipped', reason: 'claimed by another worker or already done' };
    if (rendered) Object.assign(claimed, { html: rendered.html, text: rendered.text });
    try {
      const result = await this.mailer.send({
        from: { name: brand.senderName, address: brand.senderEmail },
        replyTo: brand.replyTo,
        to: claimed.recipients,
        subject: claimed.subject,
        html: claimed.html,
        text: claimed.text,
        messageId: claimed.messageId,
        dkim: brand.dkim,
        organizationId: claimed.organizationId,
        headers: {
          'List-Unsubscribe': `<${unsubscribe.oneClick}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Auto-Submitted': 'auto-generated',
        },
      });
      await this.ledger.markSent(row.id, this.owner, result);
      return { status: 'sent', messageId: result.messageId };
    } catch (err) {
      const e = err instanceof MailError ? err : null;
      if (e?.permanent) {
        await this.ledger.markFailed(row.id, this.owner, 'permanent', e.message, e.rejected);
        this.logger.warn(`digest ${row.id}: permanent failure, not retried: ${e.message}`);
        return { status: 'failed', reason: e.message, permanent: true };
      }
      await this.ledger.markFailed(row.id, this.owner, 'transient', (err as Error).message);
      throw new TransientSendError(`digest ${row.id}: ${(err as Error).message}`);
    }
  }

  // A run sends thousands of digests of a few brands: resolved once per brand every few seconds, not per email.
  private readonly brands$ = new Map<string, { at: number; brand: Promise<ResolvedBrand> }>();
  private brand(organizationId: string, brandId: string | null): Promise<ResolvedBrand> {
    const key = `${organizationId}:${brandId ?? ''}`;
    const hit = this.brands$.get(key);
    if (hit && Date.now() - hit.at < BRAND_TTL_MS) return hit.brand;
    if (this.brands$.size > 1000) this.brands$.clear();
    const brand = this.brands.resolve(organizationId, brandId);
    this.brands$.set(key, { at: Date.now(), brand });
    brand.catch(() => this.brands$.delete(key));
    return brand;
  }

  private async brandIdOf(customerId: string): Promise<string | null> {
    const s = await this.settings.findForCustomer(customerId);
    return s?.customer.brandId ?? null;
  }
}

const BRAND_TTL_MS = 5_000;

interface Rendered {
  brand: ResolvedBrand;
  html: string;
  text: string;
}

// Deterministic, so that a resend of the same row carries the same Message-ID (receivers may fold duplicates).
function messageIdFor(id: string, senderEmail: string): string {
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
