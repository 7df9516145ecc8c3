import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { Database } from '../db/database';
import { DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { DestinationStateChange, DestinationStateHooks } from '../deliveries/destination-state-hooks';
import type { OutboundMessage } from '../destinations/destination';
import { NoticeRecipients } from './notice-recipients';

export const DESTINATION_DISABLED = 'destination.disabled';
export const DESTINATION_RECOVERED = 'destination.recovered';

export interface DestinationNoticePayload {
  type: typeof DESTINATION_DISABLED | typeof DESTINATION_RECOVERED;
  destination: { id: string; name: string };
  at: string;
  reason: string | null;
  failingSince: string | null;
  failures: number;
  lastFailure: string | null;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The operator hears when a destination is disabled on its own (410 Gone, or failing for too long) and when it works
// again: a destination.disabled / destination.recovered message to each of the organization's operator destinations
// (operatorNotices: true) and notice contact group channels (never the destination the notice is about), else an e-mail to the organization's admin
// address (PATCH /v1/organization {adminEmail}), else only a warning in the log; the state shows in the API (health)
// and in the hostdigest_destinations_disabled gauge either way.
@Injectable()
export class DestinationNotices implements DeliveryComposer, OnModuleInit {
  private readonly logger = new Logger('Notices');

  constructor(
    private readonly db: Database,
    private readonly hooks: DestinationStateHooks,
    private readonly composers: DeliveryComposers,
    private readonly outbox: DeliveryOutbox,
    private readonly recipients: NoticeRecipients,
    private readonly brands: BrandsService,
  ) {}

  onModuleInit(): void {
    this.hooks.register((c) => this.notify(c));
    this.composers.register(DESTINATION_DISABLED, this);
    this.composers.register(DESTINATION_RECOVERED, this);
  }

  async notify(c: DestinationStateChange): Promise<number> {
    const type = c.change === 'disabled' ? DESTINATION_DISABLED : DESTINATION_RECOVERED;
    const to = await this.recipients.channels(c.organizationId, c.destinationId);
    const payload: DestinationNoticePayload = {
      type, destination: { id: c.destinationId, name: c.name }, at: c.at.toISOString(), reason: c.reason,
      failingSince: c.failingSince?.toISOString() ?? null, failures: c.failures, lastFailure: c.lastFailure,
    };
    if (!to.length) return this.toAdmin(c, payload);
    await this.db.transaction(async (em) => {
      const ids: string[] = [];
      for (const d of to) {
        const rows: { id: string }[] = await em.query(
          this.outbox.insertSql(`SELECT $1::uuid, NULL::uuid, $2, $3, $4::text, $5, $6::jsonb, $7::uuid`, true),
          [c.organizationId, d.kind, type, c.destinationId, `${type}:${c.destinationId}:${payload.at}:${d.id}`, JSON.stringify(payload), d.id],
        );
        ids.push(...rows.map((r) => r.id));
      }
      await this.outbox.queue(em, ids);
    });
    return to.length;
  }

  // No operator destination: the organization's admin address, through the implicit e-mail destination (its
  // recipients in the payload), once per notice.
  private async toAdmin(c: DestinationStateChange, payload: DestinationNoticePayload): Promise<number> {
    const [org]: { adminEmail: string | null }[] = await this.db.rows(`SELECT admin_email AS "adminEmail" FROM organizations WHERE id = $1`, [c.organizationId]);
    if (!org?.adminEmail) {
      this.logger.warn(`${payload.type}: destination "${c.name}" (${c.destinationId})${c.reason ? `, ${c.reason}` : ''}; ` +
        'the organization has no operator destination (operatorNotices: true), notice contact group channel or adminEmail to tell');
      return 0;
    }
    await this.db.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        this.outbox.insertSql(`SELECT $1::uuid, NULL::uuid, 'email', $2, $3::text, $4, $5::jsonb`),
        [c.organizationId, payload.type, c.destinationId, `${payload.type}:${c.destinationId}:${payload.at}:admin`, JSON.stringify({ ...payload, to: [org.adminEmail] })],
      );
      await this.outbox.queue(em, rows.map((r) => r.id));
    });
    return 1;
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as DestinationNoticePayload;
    const brand = await this.brands.resolve(d.organizationId, null);
    const text =
      p.type === DESTINATION_DISABLED
        ? `The destination "${p.destination.name}" was disabled at ${p.at} (${p.reason === 'gone_410' ? 'it answered 410 Gone' : p.reason === 'invalid_credentials' ? 'it refused its credentials: fix them and enable it again' : `no success since ${p.failingSince}, ${p.failures} failed attempts`}). ` +
          `Its new messages are held until you enable it again.${p.lastFailure ? ` Last error: ${p.lastFailure}` : ''}`
        : `The destination "${p.destination.name}" works again (${p.at}) after ${p.failures} failed attempts since ${p.failingSince}.`;
    const subject = p.type === DESTINATION_DISABLED ? `Destination disabled: ${p.destination.name}` : `Destination recovered: ${p.destination.name}`;
    return {
      brand,
      content: { subject: `[${brand.senderName}] ${subject}`, text, html: `<p>${escape(text)}</p>` },
      event: {
        type: p.type,
        timestamp: p.at,
        data: { destination: p.destination, reason: p.reason, failingSince: p.failingSince, failures: p.failures, lastFailure: p.lastFailure },
      },
    };
  }
}
