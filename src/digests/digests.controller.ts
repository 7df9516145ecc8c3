import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { sendJson } from '../api/json-page';
import type { Principal } from '../api-keys/api-keys.service';
import { DigestSettingsDto, DigestSettingsView } from './digest-settings.dto';
import { DigestSettingsService, EffectiveSettings } from './digest-settings.service';
import { DigestDetailView, DigestPage, DigestPreviewView, DigestQuery, DigestView, PreviewDigestDto, RunDigestsDto, RunResultView } from './digests.dto';
import { DigestsService } from './digests.service';

@ApiTags('digests')
@ApiBearerAuth()
@Controller('v1/digests')
export class DigestsController {
  constructor(private readonly digests: DigestsService) {}

  @Get()
  @ApiOkResponse({ type: DigestPage })
  async list(@Caller() caller: Principal, @Query() q: DigestQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.digests.list(caller.organizationId, q));
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: DigestPreviewView, description: 'rendered, not sent, nothing written' })
  preview(@Caller() caller: Principal, @Body() dto: PreviewDigestDto): Promise<DigestPreviewView> {
    return this.digests.preview(caller.organizationId, dto);
  }

  @Post('run')
  @HttpCode(202)
  @ApiOkResponse({ type: RunResultView })
  run(@Caller() caller: Principal, @Body() dto: RunDigestsDto): Promise<RunResultView> {
    return this.digests.run(caller, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: DigestDetailView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DigestDetailView> {
    return DigestDetailView.detail(await this.digests.get(caller.organizationId, id));
  }

  @Post(':id/resend')
  @ApiCreatedResponse({ type: DigestView, description: 'the new ledger row (next generation), queued' })
  async resend(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DigestView> {
    return DigestView.of(await this.digests.resend(caller, id));
  }
}

@ApiTags('digests')
@ApiBearerAuth()
@Controller('v1/customers/:id/digest-settings')
export class DigestSettingsController {
  constructor(private readonly settings: DigestSettingsService) {}

  @Get()
  @ApiOkResponse({ type: DigestSettingsView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DigestSettingsView> {
    return view(await this.settings.get(caller.organizationId, id));
  }

  @Put()
  @ApiOkResponse({ type: DigestSettingsView })
  async put(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DigestSettingsDto): Promise<DigestSettingsView> {
    return view(await this.settings.put(caller.organizationId, id, dto));
  }
}

const view = (s: EffectiveSettings) => DigestSettingsView.of(s.subscription, { timeZone: s.timeZone, locale: s.locale, recipients: s.recipients });
