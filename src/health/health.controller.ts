import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../api/auth.decorators';
import { Database } from '../db/database';
import { JobEngine } from '../jobs/job-engine';
import { Metrics } from '../metrics/metrics';
import { VendorHealthQuery, VendorHealthView } from '../vendors/vendor-health.dto';
import { VendorHealthService } from '../vendors/vendor-health.service';

const CHECK_TIMEOUT_MS = 3000;

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly metrics: Metrics,
    private readonly vendors: VendorHealthService,
  ) {}

  @Get('health/live')
  @ApiOkResponse({ description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.probe('database', () => this.db.dataSource.query('SELECT 1')),
      () => this.probe('jobs', () => this.jobs.healthy()),
    ]);
  }

  // Polling of every vendor account, for a monitor: ids and states only (no names, no error text), so no key.
  // Not part of /health/ready: a vendor outage is not this replica's inability to serve.
  @Get('health/vendors')
  @ApiOkResponse({ type: VendorHealthView, description: 'no enabled account failing (for at least minFailingSeconds)' })
  @ApiResponse({ status: 503, type: VendorHealthView, description: 'an enabled account has been failing (for at least minFailingSeconds)' })
  async vendorHealth(@Query() q: VendorHealthQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<VendorHealthView> {
    const report = await this.vendors.report(q.minFailingSeconds ?? 0);
    if (report.status !== 'ok') res.status(503);
    return report;
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const session = this.indicators.check(key);
    try {
      await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref())]);
      return session.up();
    } catch (err) {
      return session.down({ message: (err as Error).message });
    }
  }
}
