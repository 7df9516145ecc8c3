import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { SecretBox, SecretOwner } from '../secrets/secret-box';
import { POLL_VENDOR_ACCOUNT } from './poll-jobs';
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
    return this.repo.save(
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
      }),
    );
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

  // Changing credentials or settings clears a "failing" status and polls again at once.
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
    if (dto.backfillFrom !== undefined) a.backfillFrom = new Date(dto.backfillFrom);
    if (dto.enabled !== undefined) a.enabled = dto.enabled;
    checkVendorRequirements(a.vendor, a.settings, a.credentials);
    if (dto.credentials || dto.settings || dto.baseUrl || dto.enabled !== undefined) {
      a.status = a.enabled ? 'pending' : 'disabled';
      a.consecutiveFailures = 0;
      a.nextPollAt = new Date();
    }
    return this.repo.save(a);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const a = await this.get(organizationId, id);
    await this.repo.delete({ id: a.id });
  }

  // "Sync now": one poll job per account at a time, so a second click while one is queued is a no-op.
  async requestSync(organizationId: string, id: string): Promise<boolean> {
    const a = await this.get(organizationId, id);
    const jobId = await this.jobs.send(POLL_VENDOR_ACCOUNT, { vendorAccountId: a.id, force: true }, { singletonKey: a.id });
    return jobId !== null;
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

  private interval(seconds: number): number {
    const min = this.config.vendors.minPollIntervalSeconds;
    if (seconds < min) throw new ValidationError('pollIntervalSeconds', `pollIntervalSeconds must be at least ${min}`);
    return seconds;
  }
}
