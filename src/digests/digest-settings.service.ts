import { Injectable } from '@nestjs/common';
import type { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { Database } from '../db/database';
import { EVENT_KINDS } from '../events/normalized-event';
import { Clock } from './clock';
import { Cadence, DigestCadence, nextDue, Schedule } from './digest-period';
import { DigestSettingsDto } from './digest-settings.dto';
import { DigestSubscription } from './digest-subscription.entity';
import { UrgentKindsHooks } from './urgent-kinds-hooks';

export interface EffectiveSettings {
  subscription: DigestSubscription;
  customer: Customer;
  timeZone: string;
  locale: string;
  recipients: string[];
  kinds: string[] | null; // what the digest counts (included minus urgent); null = every kind
}

// A customer's digest subscription. No row = digests off; every missing value falls back to the customer's.
@Injectable()
export class DigestSettingsService {
  constructor(
    private readonly db: Database,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
    private readonly urgentHooks: UrgentKindsHooks,
  ) {}

  async get(organizationId: string, customerId: string): Promise<EffectiveSettings> {
    const customer = await this.customers.get(organizationId, customerId);
    const sub = (await this.db.manager.findOneBy(DigestSubscription, { customerId, organizationId })) ?? this.defaults(organizationId, customerId);
    return effective(sub, customer);
  }

  async put(organizationId: string, customerId: string, dto: DigestSettingsDto): Promise<EffectiveSettings> {
    const customer = await this.customers.get(organizationId, customerId);
    return this.db.transaction(async (em) => {
      const existing = await em.findOne(DigestSubscription, { where: { customerId, organizationId }, lock: { mode: 'pessimistic_write' } });
      const sub = existing ?? this.defaults(organizationId, customerId);
      const before = scheduleKey(sub, customer);
      Object.assign(sub, {
        cadence: dto.cadence,
        dayOfWeek: dto.dayOfWeek ?? 1,
        sendTime: dto.sendTime ?? '08:00',
        timeZone: dto.timeZone ?? null,
        locale: dto.locale ?? null,
        recipients: [...new Set(dto.recipients ?? [])],
        skipWhenEmpty: dto.skipWhenEmpty ?? true,
        includeKinds: dto.includeKinds ? [...new Set(dto.includeKinds)] : null,
        urgentKinds: [...new Set(dto.urgentKinds ?? [])],
      });
      if (!existing || scheduleKey(sub, customer) !== before) this.reschedule(sub, customer);
      if (sub.urgentKinds.length) for (const h of this.urgentHooks.all()) await h.urgentKindsSet(em, organizationId);
      return effective(await em.save(DigestSubscription, sub), customer);
    });
  }

  // One-click unsubscribe and the preferences page (no API key: the signed token names the customer).
  async setCadence(customerId: string, cadence: DigestCadence): Promise<EffectiveSettings | null> {
    const organizationId = await this.organizationOf(customerId);
    if (!organizationId) return null;
    const customer = await this.customers.get(organizationId, customerId);
    return this.db.transaction(async (em) => {
      const existing = await em.findOne(DigestSubscription, { where: { customerId }, lock: { mode: 'pessimistic_write' } });
      const sub = existing ?? this.defaults(organizationId, customerId);
      if (!existing || sub.cadence !== cadence) {
        sub.cadence = cadence;
        this.reschedule(sub, customer);
      }
      return effective(await em.save(DigestSubscription, sub), customer);
    });
  }

  async findForCustomer(customerId: string): Promise<EffectiveSettings | null> {
    return (await this.findForCustomers([customerId])).get(customerId) ?? null;
  }

  // The send path's lookup: customers and their subscriptions in one statement.
  async findForCustomers(customerIds: string[]): Promise<Map<string, EffectiveSettings>> {
    const rows: (Customer & { sub: DigestSubscription | null })[] = await this.db.rows(
      `SELECT c.id, c.organization_id AS "organizationId", c.external_ref AS "externalRef", c.name, c.emails, c.brand_id AS "brandId",
              c.locale, c.time_zone AS "timeZone", c.status, c.created_at AS "createdAt", c.updated_at AS "updatedAt",
              CASE WHEN s.customer_id IS NULL THEN NULL ELSE json_build_object(
                'customerId', s.customer_id, 'organizationId', s.organization_id, 'cadence', s.cadence, 'dayOfWeek', s.day_of_week,
                'sendTime', s.send_time, 'timeZone', s.time_zone, 'locale', s.locale, 'recipients', s.recipients,
                'skipWhenEmpty', s.skip_when_empty, 'includeKinds', s.include_kinds, 'urgentKinds', s.urgent_kinds,
                'nextDueAt', s.next_due_at, 'scheduleStale', s.schedule_stale, 'activeSince', s.active_since, 'createdAt', s.created_at, 'updatedAt', s.updated_at) END AS sub
       FROM customers c LEFT JOIN digest_subscriptions s ON s.customer_id = c.id WHERE c.id = ANY($1::uuid[])`,
      [customerIds],
    );
    const out = new Map<string, EffectiveSettings>();
    for (const { sub, ...customer } of rows) {
      const subscription = sub ? Object.assign(new DigestSubscription(), sub) : this.defaults(customer.organizationId, customer.id);
      out.set(customer.id, effective(subscription, customer as Customer));
    }
    return out;
  }

  private async organizationOf(customerId: string): Promise<string | null> {
    const rows: { organization_id: string }[] = await this.db.dataSource.query('SELECT organization_id FROM customers WHERE id = $1', [customerId]);
    return rows[0]?.organization_id ?? null;
  }

  private reschedule(sub: DigestSubscription, customer: Customer): void {
    const now = this.clock.now();
    sub.activeSince = now;
    sub.nextDueAt = sub.cadence === 'off' ? null : nextDue(scheduleOf(sub, customer), now).scheduledAt;
    sub.scheduleStale = false;
  }

  private defaults(organizationId: string, customerId: string): DigestSubscription {
    return Object.assign(new DigestSubscription(), {
      customerId, organizationId, cadence: 'off', dayOfWeek: 1, sendTime: '08:00', timeZone: null, locale: null, recipients: [],
      skipWhenEmpty: true, includeKinds: null, urgentKinds: [], nextDueAt: null, scheduleStale: false, activeSince: this.clock.now(),
    });
  }
}

export function scheduleOf(sub: Pick<DigestSubscription, 'cadence' | 'sendTime' | 'dayOfWeek' | 'timeZone'>, customer: Pick<Customer, 'timeZone'>, cadence?: Cadence): Schedule {
  return {
    cadence: cadence ?? (sub.cadence === 'off' ? 'daily' : sub.cadence),
    sendTime: sub.sendTime,
    dayOfWeek: sub.dayOfWeek,
    timeZone: sub.timeZone ?? customer.timeZone,
  };
}

const scheduleKey = (s: DigestSubscription, c: Customer) => [s.cadence, s.sendTime, s.dayOfWeek, s.timeZone ?? c.timeZone].join('|');

export function effective(subscription: DigestSubscription, customer: Customer): EffectiveSettings {
  const urgent = new Set(subscription.urgentKinds);
  const included = subscription.includeKinds;
  let kinds: string[] | null = included ? included.filter((k) => !urgent.has(k)) : null;
  if (!included && urgent.size) kinds = EVENT_KINDS.filter((k) => !urgent.has(k));
  return {
    subscription,
    customer,
    timeZone: subscription.timeZone ?? customer.timeZone,
    locale: subscription.locale ?? customer.locale,
    recipients: subscription.recipients.length ? subscription.recipients : customer.emails,
    kinds,
  };
}
