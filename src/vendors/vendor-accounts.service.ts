import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { SecretBox, SecretOwner } from '../secrets/secret-box';
import { queuePollNow } from './poll-jobs';
import { VendorAccount } from './vendor-account.entity';
import { CreateVendorAccountDto, UpdateVendorAccountDto } from './vendor-accounts.dto';
import { ConnectorAccount } from './vendor-connector';
import { VendorConnectors } from './vendor-connectors';
import { checkVendorRequirements } from './vendor-requirements';
import { VendorError } from './vendor-errors';

@Injectable()
export class VendorAccountsService {
  private readonly repo: Repository<VendorAccount>;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly jobs: JobEngine,
    private readonly connectors: VendorConnectors,
    private readonly config: AppConfig,
  ) {
    this.repo = db.dataSource.getRepository(VendorAccount);
  }

  // scopes: the caller's (an env:NAME credential needs admin); none for the service's own accounts (the simulator's).
  async create(organizationId: string, dto: CreateVendorAccountDto, scopes: readonly string[] = []): Promise<VendorAccount> {
    this.connectors.get(dto.vendor);
    const settings = dto.settings ?? {};
    const credentials = dto.credentials ?? {};
    checkVendorRequirements(dto.vendor, settings, credentials);
    const reconcileIntervalSeconds = dto.reconcileIntervalSeconds === undefined ? null : this.interval(dto.reconcileIntervalSeconds, 'reconcileIntervalSeconds');
    const saved = await this.repo.save(
      this.repo.create({
        organizationId,
        vendor: dto.vendor,
        name: dto.name,
        baseUrl: dto.baseUrl ?? null,
        settings,
        credentials: this.seal(credentials, { organizationId, scopes }),
        pollIntervalSeconds: this.interval(dto.pollIntervalSeconds ?? 300),
        enabled: dto.enabled ?? true,
        backfillFrom: dto.backfillFrom ? new Date(dto.backfillFrom) : null,
        status: dto.enabled === false ? 'disabled' : 'pending',
        nextPollAt: new Date(),
        consecutiveFailures: 0,
        reconcileIntervalSeconds,
        reconcileWindowSeconds: dto.reconcileWindowSeconds ?? null,
        // The first poll reads the whole backfill; the first reconciliation comes one interval later.
        nextReconcileAt: new Date(Date.now() + (reconcileIntervalSeconds ?? this.config.vendors.reconcileIntervalSeconds) * 1000),
        reconcileFound: 0,
      }),
    );
    if (saved.enabled) await queuePollNow(this.jobs, saved.id); // the first poll, not at the scheduler's next minute
    return saved;
  }

  list(organizationId: string, query: PageQuery): Promise<Page<VendorAccount>> {
    const qb = this.repo.createQueryBuilder('a').where('a.organization_id = :organizationId', { organizationId });
    return paginate(qb, query, { table: 'vendor_accounts' });
  }

  async get(organizationId: string, id: string): Promise<VendorAccount> {
    const account = await this.repo.findOneBy({ id, organizationId });
    if (!account) throw new NotFoundError('vendor account', id);
    return account;
  }

  async count(organizationId: string): Promise<number> {
    return this.repo.countBy({ organizationId });
  }

  // Changing credentials or settings clears a "failing" status or a backoff and polls again at once.
  async update(organizationId: string, id: string, dto: UpdateVendorAccountDto, scopes: readonly string[] = []): Promise<VendorAccount> {
    const a = await this.get(organizationId, id);
    const owner = { organizationId, scopes };
    const settingsBefore = JSON.stringify(a.settings);
    if (dto.name !== undefined) a.name = dto.name;
    if (dto.settings !== undefined) a.settings = dto.settings;
    if (dto.credentials !== undefined) a.credentials = { ...a.credentials, ...this.seal(dto.credentials, owner) };
    // Either can change where the credentials go (settings.apiShape may carry a base URL).
    if (dto.baseUrl !== undefined && dto.baseUrl !== a.baseUrl) this.secrets.assertMayRedirect(Object.values(a.credentials), owner, 'baseUrl');
    if (dto.settings !== undefined && JSON.stringify(dto.settings) !== settingsBefore) this.secrets.assertMayRedirect(Object.values(a.credentials), owner, 'settings');
    if (dto.baseUrl !== undefined) a.baseUrl = dto.baseUrl;
    if (dto.pollIntervalSeconds !== undefined) a.pollIntervalSeconds = this.interval(dto.pollIntervalSeconds);
    if (dto.reconcileIntervalSeconds !== undefined) {
      a.reconcileIntervalSeconds = dto.reconcileIntervalSeconds === null ? null : this.interval(dto.reconcileIntervalSeconds, 'reconcileIntervalSeconds');
      // A shorter interval takes effect now, not after the one already scheduled.
      const due = (a.lastReconciledAt ?? a.createdAt).getTime() + this.reconcileSettings(a).intervalSeconds * 1000;
      a.nextReconcileAt = new Date(Math.min(a.nextReconcileAt.getTime(), Math.max(Date.now(), due)));
    }
    if (dto.reconcileWindowSeconds !== undefined) a.reconcileWindowSeconds = dto.reconcileWindowSeconds;
    if (dto.backfillFrom !== undefined) a.backfillFrom = new Date(dto.backfillFrom);
    if (dto.enabled !== undefined) a.enabled = dto.enabled;
    checkVendorRequirements(a.vendor, a.settings, a.credentials);
    const changed = [dto.credentials, dto.settings, dto.baseUrl, dto.enabled, dto.pollIntervalSeconds, dto.backfillFrom, dto.reconcileIntervalSeconds, dto.reconcileWindowSeconds]
      .some((v) => v !== undefined);
    if (changed) {
      a.status = a.enabled ? 'pending' : 'disabled';
      a.consecutiveFailures = 0;
      a.nextPollAt = new Date();
    }
    const saved = await this.repo.save(a);
    // Not left to the minute's scheduler: a poll queued for after a backoff would keep the account waiting.
    if (changed && saved.enabled) await queuePollNow(this.jobs, saved.id, { force: true });
    return saved;
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const a = await this.get(organizationId, id);
    await this.repo.delete({ id: a.id });
  }

  // "Sync now": polls at once, also during a backoff (the poll queued for after it is brought forward); one poll job
  // per account at a time, so a second click while one is queued is the same poll. False: the account is disabled.
  async requestSync(organizationId: string, id: string): Promise<boolean> {
    const a = await this.get(organizationId, id);
    if (!a.enabled) return false;
    await this.repo.update({ id: a.id }, { nextPollAt: () => 'LEAST(next_poll_at, now())' });
    return queuePollNow(this.jobs, a.id, { force: true });
  }

  // What an account's reconciliation pass does: how often, over how far back (its own settings or the defaults).
  reconcileSettings(a: Pick<VendorAccount, 'reconcileIntervalSeconds' | 'reconcileWindowSeconds'>): { intervalSeconds: number; windowSeconds: number } {
    const { reconcileIntervalSeconds, reconcileWindowSeconds } = this.config.vendors;
    return { intervalSeconds: a.reconcileIntervalSeconds ?? reconcileIntervalSeconds, windowSeconds: a.reconcileWindowSeconds ?? reconcileWindowSeconds };
  }

  reconciles(vendor: string): boolean {
    return this.connectors.get(vendor).lateRecords;
  }

  async test(organizationId: string, id: string): Promise<{ ok: boolean; message: string }> {
    const a = await this.get(organizationId, id);
    try {
      const message = await this.connectors.get(a.vendor).test(this.toConnectorAccount(a));
      return { ok: true, message };
    } catch (err) {
      if (err instanceof VendorError || (err as { code?: string }).code === 'secret_unavailable') return { ok: false, message: (err as Error).message };
      throw err;
    }
  }

  toConnectorAccount(a: VendorAccount): ConnectorAccount {
    const credentials = Object.fromEntries(Object.entries(a.credentials).map(([k, v]) => [k, this.secrets.open(v, a.organizationId)]));
    return { id: a.id, organizationId: a.organizationId, vendor: a.vendor, baseUrl: a.baseUrl, settings: a.settings, credentials, backfillFrom: a.backfillFrom };
  }

  describeSecret = (stored: string) => this.secrets.describe(stored);

  private seal(credentials: Record<string, string>, owner: SecretOwner): Record<string, string> {
    return Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, this.secrets.store(v, owner, `credentials.${k}`)]));
  }

  private interval(seconds: number, field = 'pollIntervalSeconds'): number {
    const min = this.config.vendors.minPollIntervalSeconds;
    if (seconds < min) throw new ValidationError(field, `${field} must be at least ${min}`);
    return seconds;
  }
}
