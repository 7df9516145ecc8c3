import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactGroupsService } from '../contacts/contact-groups.service';
import { Database } from '../db/database';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { DestinationsService } from '../destinations/destinations.service';

export interface NoticeChannel {
  id: string;
  kind: string;
}

// Who hears the pipeline's notices of an organization: its operator destinations (operatorNotices: true) and the
// channels of its notice contact group (PATCH /v1/organization {noticeContactGroupId}); when there are none, its
// admin address by e-mail; when that is unset too, only the log.
@Injectable()
export class NoticeRecipients {
  private readonly logger = new Logger('Notices');

  constructor(
    private readonly db: Database,
    private readonly outbox: DeliveryOutbox,
    private readonly destinations: DestinationsService,
    private readonly groups: ContactGroupsService,
  ) {}

  // Never the destination a notice is about (`except`), and each channel once.
  async channels(organizationId: string, except?: string): Promise<NoticeChannel[]> {
    const operator = await this.destinations.operatorDestinations(organizationId);
    const group = await this.groups.noticeChannels(organizationId);
    const seen = new Set<string>(except ? [except] : []);
    return [...operator, ...group].filter((d) => !seen.has(d.id) && seen.add(d.id)).map((d) => ({ id: d.id, kind: d.kind }));
  }

  // One delivery per channel, each with its own key (`key` + the channel), in one statement; else the admin e-mail.
  // Returns how many were written (0: nobody to tell, logged).
  // tx: the caller's transaction, when the notice must commit with what it tells of (else its own).
  async write(organizationId: string, type: string, causeId: string, key: string, payload: object, what: string, tx?: EntityManager): Promise<number> {
    const inTx = <T>(fn: (em: EntityManager) => Promise<T>): Promise<T> => (tx ? fn(tx) : this.db.transaction(fn));
    const to = await this.channels(organizationId);
    if (to.length) {
      return inTx(async (em) => {
        const rows: { id: string }[] = await em.query(
          this.outbox.insertSql(
            `SELECT $1::uuid, NULL::uuid, t.kind, $2, $3::text, $4 || ':' || t.id, $5::jsonb, t.id
             FROM unnest($6::uuid[], $7::text[]) AS t(id, kind)`,
            true,
          ),
          [organizationId, type, causeId, key, JSON.stringify(payload), to.map((d) => d.id), to.map((d) => d.kind)],
        );
        await this.outbox.queue(em, rows.map((r) => r.id));
        return rows.length;
      });
    }
    const [org]: { adminEmail: string | null }[] = await this.db.rows(`SELECT admin_email AS "adminEmail" FROM organizations WHERE id = $1`, [organizationId]);
    if (!org?.adminEmail) {
      this.logger.warn(`${type}: ${what}; the organization has no operator destination, notice contact group channel or adminEmail to tell`);
      return 0;
    }
    return inTx(async (em) => {
      const rows: { id: string }[] = await em.query(
        this.outbox.insertSql(`SELECT $1::uuid, NULL::uuid, 'email', $2, $3::text, $4, $5::jsonb`),
        [organizationId, type, causeId, `${key}:admin`, JSON.stringify({ ...payload, to: [org.adminEmail] })],
      );
      await this.outbox.queue(em, rows.map((r) => r.id));
      return rows.length;
    });
  }
}
