import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { MailError } from '../mail/mail-errors';
import { Mailer } from '../mail/mailer';
import { brandEnvelope } from '../templates/branded-email';
import { DigestBrands } from './digest-brands';
import { ClaimedDigest, DigestLedger } from './digest-ledger';
import { DigestPreparer, Prepared } from './digest-preparer';
import { UnsubscribeLinks } from './unsubscribe-links';
import { automaticResends } from '../deliveries/unknown-policy';

export { countsOf } from './digest-preparer';

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; permanent: true };

const PREPARE_ATTEMPTS = 5;

// Thrown for a failure a later attempt may get past (SMTP 4xx or down, database hiccup): the job engine retries it.
export class TransientSendError extends Error {}

// One ledger row to one email, exactly once: render (pending → rendered, stored; DigestPreparer), claim
// (rendered → sending with a lease, one conditional UPDATE, committed before SMTP is spoken to), SMTP, and record
// (→ sent / failed) in the very next statement. See README "Exactly once".
@Injectable()
export class DigestSender {
  private readonly logger = new Logger('Digests');
  private readonly owner = `${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly handoff = new PreparedHandoff();

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: DigestLedger,
    private readonly preparer: DigestPreparer,
    private readonly brands: DigestBrands,
    private readonly mailer: Mailer,
    private readonly links: UnsubscribeLinks,
  ) {}

  // `batch`: the rows whose jobs this worker fetched with this one and sends next (see the handoff below).
  async send(id: string, batch: readonly string[] = []): Promise<SendOutcome> {
    // In a run most rows were rendered by another row's batch: claim at once (one statement). When this process
    // rendered it, the content is still in memory and is not read back.
    const held = this.handoff.take(id);
    const claimed = await this.ledger.claim(id, this.owner, this.config.digests.leaseSeconds, !held);
    if (claimed) return this.deliver(claimed, held);
    const row = await this.ledger.get(id);
    if (!row) return { status: 'skipped', reason: 'digest no longer exists' };
    // Rendered (by another worker's batch) between the claim above and this read: claim it now.
    if (row.status === 'rendered' || (row.status === 'failed' && row.failureKind === 'transient')) return this.sendPrepared(id);
    if (row.status === 'pending') {
      let outcome = await this.preparer.prepare(row, batch.filter((b) => b !== id));
      // In another worker's batch: wait for it, or take over when that worker's preparation lease ran out. "Taken"
      // with no lease held happens too: two preparers' FOR UPDATE SKIP LOCKED passing over the row at the same
      // moment. So free-but-taken is tried again a few times, a little apart, before the job is left to retry.
      for (let attempt = 1; outcome.status === 'taken'; attempt++) {
        if ((await this.preparer.waitPrepared(id)) === 'ready') return this.sendPrepared(id);
        if (attempt > PREPARE_ATTEMPTS) throw new TransientSendError(`digest ${id}: still being prepared by another worker`);
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
        outcome = await this.preparer.prepare(row);
      }
      this.handoff.keep(outcome.others, batch); // only rows this worker sends next: the others' jobs run elsewhere
      if (outcome.status === 'skipped' || outcome.status === 'failed') {
        return outcome.status === 'failed' ? { status: 'failed', reason: outcome.reason, permanent: true } : { status: 'skipped', reason: outcome.reason };
      }
      const prepared = (outcome as { prepared: Prepared }).prepared;
      const mine = await this.ledger.claim(id, this.owner, this.config.digests.leaseSeconds, false);
      if (mine) return this.deliver(mine, prepared);
      return this.sendPrepared(id);
    }
    if (row.status === 'sending') {
      // This job's earlier run was cut off mid-send (its worker died) and the lease ran out: resend once under the
      // same Message-ID, or hold it as unknown (DIGEST_UNKNOWN_POLICY).
      const [interrupted] = await this.ledger.markInterrupted(automaticResends(this.config.digests.unknownPolicy), id);
      if (interrupted?.status === 'rendered') return this.sendPrepared(id);
      if (interrupted) return { status: 'skipped', reason: 'interrupted send marked unknown' };
      return { status: 'skipped', reason: 'being sent by another worker' };
    }
    return { status: 'skipped', reason: row.status === 'failed' ? 'failed permanently' : `already ${row.status}` };
  }

  // Rendered by another worker's batch meanwhile: claim it as stored.
  private async sendPrepared(id: string): Promise<SendOutcome> {
    const claimed = await this.ledger.claim(id, this.owner, this.config.digests.leaseSeconds);
    return claimed ? this.deliver(claimed, null) : { status: 'skipped', reason: 'claimed by another worker or done' };
  }

  // sending → sent | failed. The brand comes from the batch that rendered it or from the brand cache (in memory).
  private async deliver(claimed: ClaimedDigest, prepared: Prepared | null): Promise<SendOutcome> {
    const { id } = claimed;
    try {
      const brand = prepared?.brand ?? (await this.brands.get(claimed.organizationId, claimed.brandId));
      const unsubscribe = this.links.forCustomer(brand.publicBaseUrl, claimed.customerId);
      const result = await this.mailer.send({
        ...brandEnvelope(brand),
        to: claimed.recipients,
        subject: claimed.subject,
        html: prepared?.html ?? claimed.html,
        text: prepared?.text ?? claimed.text,
        messageId: claimed.messageId,
        organizationId: claimed.organizationId,
        headers: {
          'List-Unsubscribe': `<${unsubscribe.oneClick}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Auto-Submitted': 'auto-generated',
        },
      });
      await this.ledger.markSent(id, this.owner, result);
      return { status: 'sent', messageId: result.messageId };
    } catch (err) {
      const e = err instanceof MailError ? err : null;
      if (e?.permanent) {
        await this.ledger.markFailed(id, this.owner, 'permanent', e.message, e.rejected);
        this.logger.warn(`digest ${id}: permanent failure, not retried: ${e.message}`);
        return { status: 'failed', reason: e.message, permanent: true };
      }
      await this.ledger.markFailed(id, this.owner, 'transient', (err as Error).message);
      throw new TransientSendError(`digest ${id}: ${(err as Error).message}`);
    }
  }
}

// Rows this process rendered in a batch for jobs that its own worker runs next: their content (what was stored) is
// kept for a short while so that sending them does not read 70 KB per email back from the database. Only a hint:
// a row claimed elsewhere, or sent later than HOLD_MS, is read from the ledger as before.
class PreparedHandoff {
  private static readonly HOLD_MS = 120_000;
  private static readonly MAX = 200;
  private readonly held = new Map<string, { prepared: Prepared; until: number }>();

  keep(rows: Map<string, Prepared>, only: readonly string[]): void {
    const until = Date.now() + PreparedHandoff.HOLD_MS;
    for (const id of only) {
      const prepared = rows.get(id);
      if (!prepared) continue;
      if (this.held.size >= PreparedHandoff.MAX) this.held.delete(this.held.keys().next().value!);
      this.held.set(id, { prepared, until });
    }
  }

  take(id: string): Prepared | null {
    const entry = this.held.get(id);
    if (!entry) return null;
    this.held.delete(id);
    return entry.until > Date.now() ? entry.prepared : null;
  }
}
