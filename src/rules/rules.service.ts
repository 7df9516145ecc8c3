import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { Database } from '../db/database';
import { findKindSpec } from '../destinations/destination-kinds';
import { DestinationsService } from '../destinations/destinations.service';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { checkContactTarget } from './contact-deliveries';
import { checkRule, RULE_FIELDS } from './rule-check';
import type { RuleSpec } from './rule-definition';
import { presetBody } from './rule-presets';
import { RuleRow } from './rule.entity';
import { RULE_FIRED } from './rule-fired';
import { SiteStates } from './site-states';

export interface FiringRow {
  id: string;
  groupKey: string;
  customerId: string | null;
  incident: string;
  dedupeKey: string;
  status: string;
  firstAt: Date;
  sendAt: Date;
  sentAt: Date | null;
  eventCount: number;
  eventIds: string[];
  suppressed: number;
  data: Record<string, unknown>;
  deliveries: { id: string; status: string; destinationId: string | null; createdAt: Date }[];
}

// Rules as the operator configures them (/v1/rules). What they do with events lives in the evaluators; this is the
// stored shape, checked whole on every write, so a rule in the table can always run.
@Injectable()
export class RulesService {
  private readonly repo: Repository<RuleRow>;

  constructor(
    private readonly db: Database,
    private readonly destinations: DestinationsService,
    private readonly siteStates: SiteStates,
  ) {
    this.repo = db.dataSource.getRepository(RuleRow);
  }

  async create(organizationId: string, body: Record<string, unknown>): Promise<RuleRow> {
    const { preset, ...rest } = body;
    if (preset !== undefined && typeof preset !== 'string') throw new ValidationError('preset', 'preset must be the id of a rule preset');
    const spec = checkRule(preset ? presetBody(preset as string, rest) : rest);
    await this.checkReferences(organizationId, spec);
    const saved = await this.repo.save(this.repo.create({ organizationId, ...this.columns(spec), enabled: spec.enabled, preset: (preset as string) ?? null }));
    await this.fillSiteStates(saved);
    return this.get(organizationId, saved.id);
  }

  list(organizationId: string, q: PageQuery & { enabled?: string; triggerType?: string }): Promise<Page<RuleRow>> {
    const qb = this.repo.createQueryBuilder('r').where('r.organization_id = :organizationId', { organizationId });
    if (q.enabled !== undefined) qb.andWhere('r.enabled = :enabled', { enabled: q.enabled === 'true' });
    if (q.triggerType) qb.andWhere('r.trigger_type = :t', { t: q.triggerType });
    return paginate(qb, q, { table: 'rules' });
  }

  async get(organizationId: string, id: string): Promise<RuleRow> {
    const r = await this.repo.findOneBy({ id, organizationId });
    if (!r) throw new NotFoundError('rule', id);
    return r;
  }

  // A partial body replaces the fields it names (trigger, actions, scope and quiet hours as a whole); the result is
  // checked as a new rule would be.
  async update(organizationId: string, id: string, body: Record<string, unknown>): Promise<RuleRow> {
    const r = readOnly(await this.get(organizationId, id));
    const current: Record<string, unknown> = {
      name: r.name, trigger: r.trigger, actions: r.actions, cooldownSeconds: r.cooldownSeconds, groupWindowSeconds: r.groupWindowSeconds,
      dedupeKey: r.dedupeKey, quietHours: r.quietHours, scope: r.scope, enabled: r.enabled,
    };
    const unknown = Object.keys(body).find((k) => !(RULE_FIELDS as readonly string[]).includes(k));
    if (unknown) throw new ValidationError(unknown, `unknown field "${unknown}"`);
    const spec = checkRule({ ...current, ...body });
    await this.checkReferences(organizationId, spec);
    // Turning a transition's updates on or off changes what is sent, not what is counted: its open incidents are kept
    // (a site infected before is not opened again, so no second ticket). Keys sorted: the stored trigger comes back
    // from jsonb in its own key order.
    const counted = (v: unknown) =>
      JSON.stringify(v, (k, x) => (k === 'updates' ? undefined : x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
    const changed = counted([r.trigger, r.scope]) !== counted([spec.trigger, spec.scope]);
    await this.db.transaction(async (em) => {
      await em.save(RuleRow, Object.assign(r, this.columns(spec), { enabled: spec.enabled, updatedAt: new Date() }));
      // Another trigger or scope counts and remembers other things: its groups start afresh (firings stay).
      if (changed) {
        await em.query(`DELETE FROM rule_groups WHERE rule_id = $1`, [id]);
        await em.query(`DELETE FROM rule_counts WHERE rule_id = $1`, [id]);
      }
    });
    await this.fillSiteStates(r);
    return this.get(organizationId, id);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const r = readOnly(await this.get(organizationId, id));
    await this.repo.delete({ id: r.id });
  }

  async setEnabled(organizationId: string, id: string, enabled: boolean): Promise<RuleRow> {
    readOnly(await this.get(organizationId, id));
    await this.repo.update({ id, organizationId }, { enabled, updatedAt: new Date() });
    const r = await this.get(organizationId, id);
    await this.fillSiteStates(r);
    return r;
  }

  // Real firings, newest first, each with the deliveries it wrote.
  async firings(organizationId: string, id: string, q: PageQuery): Promise<Page<FiringRow>> {
    await this.get(organizationId, id);
    const limit = q.limit ?? 50;
    const rows: FiringRow[] = await this.db.dataSource.query(
      `SELECT f.id, f.group_key AS "groupKey", f.customer_id AS "customerId", f.incident, f.dedupe_key AS "dedupeKey", f.status,
              f.first_at AS "firstAt", f.send_at AS "sendAt", f.sent_at AS "sentAt", f.event_count AS "eventCount",
              f.event_ids::text[] AS "eventIds", f.suppressed, f.data,
              coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'status', d.status, 'destinationId', d.destination_id, 'createdAt', d.created_at) ORDER BY d.created_at)
                        FROM deliveries d WHERE d.organization_id = f.organization_id AND d.cause_type = '${RULE_FIRED}' AND d.cause_id = f.id::text), '[]') AS deliveries
       FROM rule_firings f
       WHERE f.rule_id = $1 AND f.organization_id = $2
         AND ($3::uuid IS NULL OR (f.created_at, f.id) < (SELECT c.created_at, c.id FROM rule_firings c WHERE c.id = $3::uuid))
       ORDER BY f.created_at DESC, f.id DESC LIMIT $4`,
      [id, organizationId, q.cursor ? this.cursorId(q.cursor) : null, limit + 1],
    );
    const more = rows.length > limit;
    const data = more ? rows.slice(0, limit) : rows;
    return { data, nextCursor: more ? Buffer.from(`k1:${data[data.length - 1].id}`).toString('base64url') : null };
  }

  private cursorId(cursor: string): string {
    const raw = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!/^k1:[0-9a-f-]{36}$/i.test(raw)) throw new ValidationError('cursor', 'cursor is not one this API returned');
    return raw.slice(3);
  }

  // The per-site states an infection or protection transition reads are kept only while such a rule runs: a rule
  // saved or enabled fills them from the stored events first, so that its first change is a real one.
  private async fillSiteStates(r: RuleRow): Promise<void> {
    if (!r.enabled || r.trigger.type !== 'transition' || r.trigger.state === 'agent') return;
    const state = r.trigger.state;
    await this.db.transaction((em) => this.siteStates.update(em, state, { organizationId: r.organizationId }));
  }

  private columns(spec: RuleSpec): Partial<RuleRow> {
    return {
      name: spec.name, triggerType: spec.trigger.type, trigger: spec.trigger, scope: spec.scope, actions: spec.actions,
      cooldownSeconds: spec.cooldownSeconds, groupWindowSeconds: spec.groupWindowSeconds, dedupeKey: spec.dedupeKey, quietHours: spec.quietHours,
    };
  }

  // Destinations, customers, sites and brands a rule names must be the organization's own (another's is not found).
  private async checkReferences(organizationId: string, spec: RuleSpec): Promise<void> {
    for (const [i, a] of spec.actions.entries()) {
      if (a.recipients === 'customer') continue; // the customer's own recipients
      if (a.destinationId === undefined) {
        await checkContactTarget(this.db, organizationId, a, `actions[${i}]`);
        if (a.templateKind !== undefined && a.templateKind !== 'rule.fired') throw new ValidationError(`actions[${i}].templateKind`, `actions[${i}].templateKind: a rule's e-mail is the rule.fired template kind`);
        continue;
      }
      const d = await this.destinations.get(organizationId, a.destinationId).catch((err) => {
        if (err instanceof NotFoundError) throw new ValidationError(`actions[${i}].destinationId`, `actions[${i}].destinationId: destination ${a.destinationId} not found`);
        throw err;
      });
      const kind = findKindSpec(d.kind);
      // The operation's shape is the destination kind's to say (a WHMCS ticket, a Blesta invoice, ...).
      if (kind?.actionParams) a.params = kind.actionParams(a.params, `actions[${i}].params`);
      if (a.templateKind !== undefined && a.templateKind !== 'rule.fired') throw new ValidationError(`actions[${i}].templateKind`, `actions[${i}].templateKind: a rule's e-mail is the rule.fired template kind`);
    }
    const filter = 'filter' in spec.trigger ? spec.trigger.filter : undefined;
    const refs: [string, string, string[] | undefined][] = [
      ['scope.customerIds', 'customers', spec.scope.customerIds],
      ['scope.brandIds', 'brands', spec.scope.brandIds],
      ['trigger.filter.customerIds', 'customers', filter?.customerIds],
      ['trigger.filter.siteIds', 'sites', filter?.siteIds],
      ['trigger.filter.brandIds', 'brands', filter?.brandIds],
      ['trigger.filter.vendorAccountIds', 'vendor_accounts', filter?.vendorAccountIds],
    ];
    for (const [field, table, ids] of refs) {
      if (!ids?.length) continue;
      const found: { id: string }[] = await this.db.dataSource.query(`SELECT id::text FROM ${table} WHERE organization_id = $1 AND id = ANY($2::uuid[])`, [organizationId, ids]);
      const missing = ids.findIndex((x) => !found.some((f) => f.id === x.toLowerCase()));
      if (missing >= 0) throw new ValidationError(`${field}[${missing}]`, `${field}[${missing}]: ${ids[missing]} not found`);
    }
  }
}

// A rule the service keeps for a setting (urgent-kinds: the customers' urgentKinds) changes with that setting only.
function readOnly(r: RuleRow): RuleRow {
  if (r.managed) throw new ValidationError('managed', `this rule is managed (${r.managed}): it serves the customers' digest setting urgentKinds; change that setting instead`);
  return r;
}
