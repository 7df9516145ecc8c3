import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { BodyConfig } from '../api/body-parsers';
import { Caller } from '../api/auth.decorators';
import { sendJson } from '../api/json-page';
import { PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { IMPORT_DESCRIPTION, ImportQuery, ImportReportView } from './customer-import.dto';
import { CustomerImportService } from './customer-import.service';
import { CreateCustomerDto, CustomerPage, CustomerQuery, CustomerView, UpdateCustomerDto } from './customers.dto';
import { CustomersService } from './customers.service';
import { CreateSiteDto, SitePage, SiteView } from './sites.dto';
import { SitesService } from './sites.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly sites: SitesService,
    private readonly csv: CustomerImportService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CustomerView })
  async create(@Caller() caller: Principal, @Body() dto: CreateCustomerDto): Promise<CustomerView> {
    return CustomerView.of(await this.customers.create(caller.organizationId, dto));
  }

  @Get()
  @ApiOkResponse({ type: CustomerPage })
  async list(@Caller() caller: Principal, @Query() q: CustomerQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.customers.list(caller.organizationId, q));
  }

  // Declared before ':id' so that the router does not take 'import' and 'export' for ids.
  @Post('import')
  @RouteConfig({ body: 'text' } satisfies BodyConfig)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: IMPORT_DESCRIPTION, schema: { type: 'string', example: 'external_ref,name,emails,domains\nwhmcs-1042,Acme Bakery,owner@acme.example,acme.example' } })
  @ApiResponse({ status: 200, type: ImportReportView, description: 'written (per-row: the valid rows)' })
  @ApiResponse({ status: 422, type: ImportReportView, description: 'atomic and some rows were rejected: nothing was written' })
  async import(@Caller() caller: Principal, @Query() q: ImportQuery, @Body() body: string, @Res({ passthrough: true }) res: FastifyReply): Promise<ImportReportView> {
    const report = await this.csv.import(caller.organizationId, body, q.mode ?? 'atomic');
    if (report.mode === 'atomic' && report.rejected.length) res.status(422);
    return report;
  }

  @Get('export')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="customers.csv"')
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'every customer and site in the columns the import reads' })
  export(@Caller() caller: Principal): Promise<string> {
    return this.csv.export(caller.organizationId);
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<CustomerView> {
    return CustomerView.of(await this.customers.get(caller.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: CustomerView })
  async update(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCustomerDto): Promise<CustomerView> {
    return CustomerView.of(await this.customers.update(caller.organizationId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted with its sites; its events stay, unmatched' })
  async remove(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.customers.remove(caller.organizationId, id);
  }

  @Get(':id/sites')
  @ApiOkResponse({ type: SitePage })
  async listSites(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.sites.listForCustomer(caller.organizationId, id, q));
  }

  @Post(':id/sites')
  @ApiCreatedResponse({ type: SiteView })
  @ApiResponse({ status: 409, description: 'site_key_taken: a domain, vendor site id or server account belongs to another site' })
  async createSite(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSiteDto): Promise<SiteView> {
    return SiteView.of(await this.sites.create(caller.organizationId, id, dto));
  }
}
