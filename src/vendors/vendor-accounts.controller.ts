import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { mapPage, PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { VendorAccountsService } from './vendor-accounts.service';
import { CreateVendorAccountDto, SyncResultView, TestResultView, UpdateVendorAccountDto, VendorAccountPage, VendorAccountView } from './vendor-accounts.dto';

@ApiTags('vendor-accounts')
@ApiBearerAuth()
@Controller('v1/vendor-accounts')
export class VendorAccountsController {
  constructor(private readonly accounts: VendorAccountsService) {}

  private view = (a: Parameters<typeof VendorAccountView.of>[0]) => VendorAccountView.of(a, this.accounts.describeSecret);

  @Get()
  @ApiOkResponse({ type: VendorAccountPage })
  async list(@Caller() c: Principal, @Query() q: PageQuery): Promise<VendorAccountPage> {
    return mapPage(await this.accounts.list(c.organizationId, q), this.view);
  }

  @Post()
  @ApiCreatedResponse({ type: VendorAccountView })
  async create(@Caller() c: Principal, @Body() dto: CreateVendorAccountDto): Promise<VendorAccountView> {
    return this.view(await this.accounts.create(c.organizationId, dto, c.scopes));
  }

  @Get(':id')
  @ApiOkResponse({ type: VendorAccountView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<VendorAccountView> {
    return this.view(await this.accounts.get(c.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: VendorAccountView })
  async update(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateVendorAccountDto): Promise<VendorAccountView> {
    return this.view(await this.accounts.update(c.organizationId, id, dto, c.scopes));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.accounts.remove(c.organizationId, id);
  }

  @Post(':id/sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Poll now (queued; the account shows the outcome)' })
  @ApiOkResponse({ type: SyncResultView })
  async sync(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SyncResultView> {
    return { queued: await this.accounts.requestSync(c.organizationId, id) };
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the credentials with one cheap vendor call' })
  @ApiOkResponse({ type: TestResultView })
  test(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<TestResultView> {
    return this.accounts.test(c.organizationId, id);
  }
}
