import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { sendJson } from '../api/json-page';
import type { Principal } from '../api-keys/api-keys.service';
import { SitePage, SiteQuery, SiteView, UpdateSiteDto } from './sites.dto';
import { SitesService } from './sites.service';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('v1/sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Get()
  @ApiOkResponse({ type: SitePage })
  async list(@Caller() caller: Principal, @Query() q: SiteQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.sites.list(caller.organizationId, q));
  }

  @Get(':id')
  @ApiOkResponse({ type: SiteView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SiteView> {
    return SiteView.of(await this.sites.get(caller.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: SiteView })
  @ApiResponse({ status: 409, description: 'site_key_taken: a domain, vendor site id or server account belongs to another site' })
  async update(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSiteDto): Promise<SiteView> {
    return SiteView.of(await this.sites.update(caller.organizationId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted; its events become unmatched and are matched again against the remaining sites' })
  async remove(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.sites.remove(caller.organizationId, id);
  }
}
