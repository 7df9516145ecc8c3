import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { Caller } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import type { BillingImportRun } from './billing-import-run';
import { BillingImportService } from './billing-import.service';

export class StartBillingImportDto {
  @ApiProperty({ description: 'the whmcs or blesta destination whose credentials the import uses' })
  @IsOptional() @IsUUID('all', { message: 'destinationId must be the id of a destination' }) destinationId?: string;
}

export class BillingImportView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['whmcs', 'blesta'] }) system: string;
  @ApiProperty({ type: String, nullable: true }) destinationId: string | null;
  @ApiProperty({ enum: ['api', 'daily'] }) trigger: string;
  @ApiProperty({ enum: ['queued', 'fetching', 'writing', 'done', 'failed'] }) status: string;
  @ApiProperty({ description: 'fetched: {clients, services, domains: {fetched, total}}; rows and written: import rows made and written; totals so far', type: Object })
  progress: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'as the CSV import reports (created, updated, unchanged, sites…, rejected with the record at fault), and skipped records', type: Object, nullable: true })
  report: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: String, nullable: true }) startedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt: Date | null;

  static of(r: BillingImportRun): BillingImportView {
    return {
      id: r.id, system: r.system, destinationId: r.destinationId, trigger: r.trigger, status: r.status, progress: r.progress, report: r.report,
      error: r.error, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
    };
  }
}

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class BillingImportController {
  constructor(private readonly imports: BillingImportService) {}

  @Post('import/whmcs')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BillingImportView, description: 'Queued: WHMCS clients become customers, their services and domains sites (GET …/imports/:id for progress)' })
  async whmcs(@Caller() c: Principal, @Body() dto: StartBillingImportDto): Promise<BillingImportView> {
    return BillingImportView.of(await this.imports.start(c, 'whmcs', dto.destinationId));
  }

  @Post('import/blesta')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BillingImportView, description: 'Queued: Blesta clients become customers, their services sites' })
  async blesta(@Caller() c: Principal, @Body() dto: StartBillingImportDto): Promise<BillingImportView> {
    return BillingImportView.of(await this.imports.start(c, 'blesta', dto.destinationId));
  }

  @Get('imports')
  @ApiOkResponse({ type: [BillingImportView], description: 'The latest billing imports, newest first' })
  async list(@Caller() c: Principal): Promise<BillingImportView[]> {
    return (await this.imports.list(c.organizationId)).map((r) => BillingImportView.of(r));
  }

  @Get('imports/:id')
  @ApiOkResponse({ type: BillingImportView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BillingImportView> {
    return BillingImportView.of(await this.imports.get(c.organizationId, id));
  }
}
