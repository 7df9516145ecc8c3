import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { CustomersService } from '../customers/customers.service';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { SecretBox, SecretOwner } from '../secrets/secret-box';
import { fromAppriseUrl, MASK } from './apprise-schemes';
import { checkEventTypes, checkSigningSecret, generateSigningSecret } from './destination-config';
import { checkKindConfig, KindSpec } from './destination-kind';
import { findKindSpec, kindSpec } from './destination-kinds';
import { DestinationRow } from './destination.entity';
import type { DestinationTarget } from './destination';
import { CreateDestinationDto, UpdateDestinationDto } from './destinations.dto';

export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

// Told after a destination is enabled again (deliveries registers: it sends what was held meanwhile).
export interface DestinationHealth {
  organizationId: string;
  name: string;
  state: string;
  consecutiveFailures: number;
  failingSince: Date | null;
  lastFailure: string | null;
}

export type EnabledListener = (destination: { id: string; organizationId: string }) => Promise<unknown>;

// Destinations as the operator configures them. Secrets go in through the secret box and never come back out, except
// a webhook's signing secret once: in the answer that created or rotated it.
@Injectable()
export class DestinationsService {
  private readonly repo: Repository<DestinationRow>;
  private readonly enabledListeners: EnabledListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly customers: CustomersService,
  ) {
    this.repo = db.dataSource.getRepository(DestinationRow);
  }

  async create(owner: SecretOwner, dto: CreateDestinationDto): Promise<{ destination: DestinationRow; signingSecret: string | null }> {
    let { kind: asked, config: raw } = dto;
    if (dto.appriseUrl !== undefined) {
      if (dto.kind !== undefined || dto.config !== undefined) throw new ValidationError('appriseUrl', 'give either appriseUrl or kind and config, not both');
      ({ kind: asked, config: raw } = fromAppriseUrl(dto.appriseUrl));
    }
    const spec = kindSpec(asked);
    const kind = spec.kind;
    if (dto.customerId) await this.customers.get(owner.organizationId, dto.customerId).catch(() => {
      throw new ValidationError('customerId', `customer ${dto.customerId} not found`);
    });
    if (dto.contactId && spec.operatorSystem) throw new ValidationError('kind', `a ${kind} destination is a system the operator runs (billing, helpdesk), not a contact's channel`);
    const contact = dto.contactId ? await this.contactChannel(owner.organizationId, dto) : null;
    const { config, secrets } = checkKindConfig(spec, raw, (v, field) => this.box.store(v, owner, field));
    const eventTypes = checkEventTypes(spec, dto.eventTypes ?? []);
    let signingSecret: string | null = null;
    if (spec.signingSecret) {
      signingSecret = dto.signingSecret ?? generateSigningSecret();
      checkSigningSecret(signingSecret);
      secrets.signingSecret = this.box.store(signingSecret, owner, 'signingSecret');
    } else if (dto.signingSecret !== undefined) {
      throw new ValidationError('signingSecret', `a ${kind} destination has no signing secret`);
    }
    const saved = await this.repo.save(
      this.repo.create({
        organizationId: owner.organizationId, customerId: contact ? contact.customerId : dto.customerId ?? null, contactId: contact?.id ?? null, kind, name: dto.name, config, secrets, eventTypes,
        previousSecrets: null, secretsOverlapUntil: null, state: dto.enabled === false ? 'disabled' : 'enabled',
        disabledReason: dto.enabled === false ? 'manual' : null, disabledAt: dto.enabled === false ? new Date() : null, consecutiveFailures: 0,
        operatorNotices: dto.operatorNotices ?? false, failingSince: null,
        rateLimitPerMinute: dto.rateLimitPerMinute ?? null,
      }),
    );
    // Shown once: an env:NAME reference is the operator's own and is shown as such anyway.
    return { destination: await this.get(owner.organizationId, saved.id), signingSecret: signingSecret?.startsWith('env:') ? null : signingSecret };
  }

  list(organizationId: string, q: PageQuery & { customerId?: string; kind?: string; contactId?: string }): Promise<Page<DestinationRow>> {
    const qb = this.repo.createQueryBuilder('d').where('d.organization_id = :organizationId', { organizationId });
    if (q.contactId) qb.andWhere('d.contact_id = :contactId', { contactId: q.contactId });
    if (q.customerId) qb.andWhere('d.customer_id = :customerId', { customerId: q.customerId });
    if (q.kind) qb.andWhere('d.kind = :kind', { kind: q.kind });
    return paginate(qb, q, { table: 'destinations' });
  }

  async get(organizationId: string, id: string): Promise<DestinationRow> {
    const d = await this.repo.findOneBy({ id, organizationId });
    if (!d) throw new NotFoundError('destination', id);
    return d;
  }

  // Config is replaced as a whole (checked again); a new URL sends the stored credentials elsewhere, which an
  // env:NAME credential allows only to an admin key.
  async update(owner: SecretOwner, id: string, dto: UpdateDestinationDto): Promise<DestinationRow> {
    const d = await this.get(owner.organizationId, id);
    if (dto.name !== undefined) d.name = dto.name;
    const spec = kindSpec(d.kind);
    const raw = dto.appriseUrl !== undefined ? this.fromEditedAppriseUrl(spec, dto) : dto.config;
    if (raw !== undefined) {
      const { signingSecret, ...fieldSecrets } = d.secrets;
      const checked = checkKindConfig(spec, raw, (v, field) => this.box.store(v, owner, field), fieldSecrets);
      const moved = Object.entries(spec.fields).find(([name, f]) => f.target && !f.secret && checked.config[name] !== d.config[name]);
      if (moved) this.box.assertMayRedirect([...Object.values(d.secrets), ...this.sealedValues(spec, d)], owner, `config.${moved[0]}`);
      d.config = checked.config;
      d.secrets = { ...(signingSecret !== undefined ? { signingSecret } : {}), ...checked.secrets };
    }
    if (d.contactId) checkContactChannelUpdate(dto);
    if (dto.eventTypes !== undefined) d.eventTypes = checkEventTypes(spec, dto.eventTypes);
    if (dto.operatorNotices !== undefined) d.operatorNotices = dto.operatorNotices;
    if (dto.rateLimitPerMinute !== undefined) d.rateLimitPerMinute = dto.rateLimitPerMinute;
    if (dto.customerId !== undefined) {
      if (dto.customerId) await this.customers.get(owner.organizationId, dto.customerId).catch(() => {
        throw new ValidationError('customerId', `customer ${dto.customerId} not found`);
      });
      d.customerId = dto.customerId;
    }
    d.updatedAt = new Date();
    await this.repo.save(d);
    return this.get(owner.organizationId, id);
  }

  // An Apprise URL as the new config of a destination of the same kind. A secret left as the view masks it (****) is
  // left out, so the stored one stays (checkKindConfig keeps a secret field not given).
  private fromEditedAppriseUrl(spec: KindSpec, dto: UpdateDestinationDto): Record<string, unknown> {
    if (dto.config !== undefined) throw new ValidationError('appriseUrl', 'give either appriseUrl or config, not both');
    const { kind, config } = fromAppriseUrl(dto.appriseUrl);
    if (kind !== spec.kind) throw new ValidationError('appriseUrl', `appriseUrl describes a ${kind} destination; this one is ${spec.kind} (create a new destination to change the kind)`);
    return Object.fromEntries(Object.entries(config).filter(([field, v]) => !(spec.fields[field]?.secret && v === MASK)));
  }

  // A contact's channel receives what targets its contact (a rule's group or customer contacts, the notice group),
  // never organization-wide message types on its own; it hears of its contact's customer only.
  private async contactChannel(organizationId: string, dto: CreateDestinationDto): Promise<{ id: string; customerId: string | null }> {
    const [contact]: { id: string; customerId: string | null }[] = await this.db.dataSource.query(
      `SELECT id, customer_id AS "customerId" FROM contacts WHERE id = $1 AND organization_id = $2`, [dto.contactId, organizationId],
    );
    if (!contact) throw new ValidationError('contactId', `contact ${dto.contactId} not found`);
    if (dto.customerId) throw new ValidationError('customerId', "a contact's channel takes its contact's customer; leave customerId out");
    checkContactChannelUpdate(dto);
    return contact;
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const d = await this.get(organizationId, id);
    await this.repo.delete({ id: d.id });
  }

  async setEnabled(organizationId: string, id: string, enabled: boolean): Promise<DestinationRow> {
    const d = await this.get(organizationId, id);
    if (enabled && d.state !== 'enabled') {
      await this.repo.update({ id }, { state: 'enabled', disabledReason: null, disabledAt: null, updatedAt: new Date() });
      for (const listener of this.enabledListeners) await listener({ id, organizationId });
    } else if (!enabled && d.state !== 'disabled') {
      await this.repo.update({ id }, { state: 'disabled', disabledReason: 'manual', disabledAt: new Date(), updatedAt: new Date() });
    }
    return this.get(organizationId, id);
  }

  // A new signing secret (generated, or the operator's in whsec_ form); the one before it keeps signing alongside
  // until the overlap ends, so receivers can switch at their pace.
  async rotateSecret(owner: SecretOwner, id: string, input: { signingSecret?: string; overlapSeconds?: number }): Promise<{ destination: DestinationRow; signingSecret: string | null }> {
    const d = await this.get(owner.organizationId, id);
    if (!kindSpec(d.kind).signingSecret) throw new ValidationError('kind', `a ${d.kind} destination has no signing secret to rotate`);
    const next = input.signingSecret ?? generateSigningSecret();
    checkSigningSecret(next);
    const overlap = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    d.previousSecrets = overlap > 0 ? { signingSecret: d.secrets.signingSecret } : null;
    d.secretsOverlapUntil = overlap > 0 ? new Date(Date.now() + overlap * 1000) : null;
    d.secrets = { ...d.secrets, signingSecret: this.box.store(next, owner, 'signingSecret') };
    d.updatedAt = new Date();
    await this.repo.save(d);
    return { destination: await this.get(owner.organizationId, id), signingSecret: next.startsWith('env:') ? null : next };
  }

  // For the pipeline, per attempt: the destination with its credentials opened (null: deleted meanwhile).
  async target(id: string, organizationId: string): Promise<DestinationTarget | null> {
    const d = await this.repo.findOneBy({ id, organizationId });
    return d ? this.opened(d) : null;
  }

  // target() for several destinations in one query: each one's target, or the error opening its credentials threw
  // (an env:NAME no longer granted); a deleted destination is absent.
  async targets(ids: string[]): Promise<Map<string, DestinationTarget | Error>> {
    const rows = ids.length ? await this.repo.findBy({ id: In(ids) }) : [];
    const out = new Map<string, DestinationTarget | Error>();
    for (const d of rows) {
      try {
        out.set(d.id, this.opened(d));
      } catch (err) {
        out.set(d.id, err as Error);
      }
    }
    return out;
  }

  private opened(d: DestinationRow): DestinationTarget {
    const open = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, this.box.open(v, d.organizationId)]));
    const config = { ...d.config };
    for (const map of findKindSpec(d.kind)?.sealedMaps ?? []) config[map] = open((d.config[map] ?? {}) as Record<string, string>);
    const overlapping = d.previousSecrets && d.secretsOverlapUntil && d.secretsOverlapUntil.getTime() > Date.now();
    return { id: d.id, organizationId: d.organizationId, kind: d.kind, config, secrets: open(d.secrets), previousSecrets: overlapping ? open(d.previousSecrets!) : null, enabled: d.state === 'enabled', rateLimitPerMinute: d.rateLimitPerMinute };
  }

  onEnabled(listener: EnabledListener): void {
    this.enabledListeners.push(listener);
  }

  // Disabled by what sends learnt (410 Gone: `gone_410`; failing too long: `failing_since`), not by the operator.
  // false: it already was.
  async disableFor(id: string, reason: string, at: Date = new Date()): Promise<boolean> {
    const res = await this.repo
      .createQueryBuilder()
      .update()
      .set({ state: 'disabled', disabledReason: reason, disabledAt: at, updatedAt: () => 'now()' })
      .where(`id = :id AND state = 'enabled'`, { id })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  // Disabled destinations by reason, all organizations (the gauge).
  async disabledCounts(): Promise<{ reason: string; count: number }[]> {
    return this.db.dataSource.query(
      `SELECT coalesce(disabled_reason, 'manual') AS reason, count(*)::int AS count FROM destinations WHERE state = 'disabled' GROUP BY 1`,
    );
  }

  // The organization's destinations for operator notices (destination.disabled / recovered).
  async operatorDestinations(organizationId: string): Promise<DestinationRow[]> {
    return this.repo.find({ where: { organizationId, operatorNotices: true, state: 'enabled' }, order: { createdAt: 'ASC' } });
  }

  // The health the API shows, after each attempt to a configured destination, at `now` (the app's Clock). Answers
  // the health before (a success) or after (a failure) this attempt, for the auto-disable and recovery decisions.
  // recordOutcome() for successes to many destinations at once (a batch of sends), without rewriting a healthy
  // destination's row on every delivery: its last success moves at most once a second. Answers the health before, of
  // those that had been failing (for the recovery notice).
  async recordSuccesses(ids: string[], now: Date = new Date()): Promise<(DestinationHealth & { id: string })[]> {
    if (!ids.length) return [];
    const [rows]: [(DestinationHealth & { id: string })[], number] = await this.db.dataSource.query(
      `UPDATE destinations d SET last_success_at = $2, consecutive_failures = 0, failing_since = NULL FROM destinations o
       WHERE d.id = ANY($1::uuid[]) AND o.id = d.id
         AND (d.consecutive_failures > 0 OR d.failing_since IS NOT NULL OR d.last_success_at IS NULL OR d.last_success_at < $2::timestamptz - interval '1 second')
       RETURNING d.id, o.organization_id AS "organizationId", o.name, o.state, o.consecutive_failures AS "consecutiveFailures", o.failing_since AS "failingSince", o.last_failure AS "lastFailure"`,
      [ids, now],
    );
    return rows.filter((r) => r.consecutiveFailures > 0 || r.failingSince);
  }

  async recordOutcome(id: string, ok: boolean, error: string | null, now: Date = new Date()): Promise<DestinationHealth | null> {
    // An UPDATE … RETURNING answers [rows, affected] through TypeORM's postgres driver.
    const [rows]: [DestinationHealth[], number] = ok
      ? await this.db.dataSource.query(
          `UPDATE destinations d SET last_success_at = $2, consecutive_failures = 0, failing_since = NULL FROM destinations o
           WHERE d.id = $1 AND o.id = d.id
           RETURNING o.organization_id AS "organizationId", o.name, o.state, o.consecutive_failures AS "consecutiveFailures", o.failing_since AS "failingSince", o.last_failure AS "lastFailure"`,
          [id, now],
        )
      : await this.db.dataSource.query(
          `UPDATE destinations SET last_failure_at = $2, last_failure = $3, consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, $2)
           WHERE id = $1
           RETURNING organization_id AS "organizationId", name, state, consecutive_failures AS "consecutiveFailures", failing_since AS "failingSince", last_failure AS "lastFailure"`,
          [id, now, (error ?? 'failed').slice(0, 1000)],
        );
    return rows[0] ?? null;
  }

  describe = (stored: string | null | undefined) => this.box.describe(stored);

  // Credentials sealed inside the config (webhook headers).
  private sealedValues(spec: KindSpec, d: DestinationRow): string[] {
    return (spec.sealedMaps ?? []).flatMap((m) => Object.values((d.config[m] ?? {}) as Record<string, string>));
  }
}

function checkContactChannelUpdate(dto: { eventTypes?: string[]; operatorNotices?: boolean; customerId?: string | null }): void {
  if (dto.eventTypes?.length) throw new ValidationError('eventTypes', "a contact's channel subscribes to no message types: it gets what targets its contact");
  if (dto.operatorNotices) throw new ValidationError('operatorNotices', "a contact's channel gets operator notices through the organization's notice contact group (noticeContactGroupId)");
  if ('customerId' in dto && dto.customerId !== undefined) throw new ValidationError('customerId', "a contact's channel takes its contact's customer");
}
