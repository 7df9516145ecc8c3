import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { BodyConfig } from '../api/body-parsers';
import { Caller } from '../api/auth.decorators';
import { sendJson } from '../api/json-page';
import { PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { EventDetailView, EventPage, EventQuery, EventView, PushEventsDto, PushResultView, StatsQuery, StatsView } from './events.dto';
import { EventsService } from './events.service';
import { StatsService } from './stats.service';

export class RejectedQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorAccountId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() source?: string;
}

export class RejectedView {
  @ApiProperty() id: string;
  @ApiProperty() source: string;
  @ApiPropertyOptional({ nullable: true, type: String }) vendorAccountId: string | null;
  @ApiProperty() resource: string;
  @ApiPropertyOptional({ nullable: true, type: String }) externalId: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ description: 'the record as received; U+0000 and unpaired surrogates are written out as the text \\u0000 / \\udXXX' }) raw: unknown;
  @ApiProperty({ description: 'what makes this one record: its external id, or raw:<md5 of the payload> without one' }) recordKey: string;
  @ApiProperty({ description: 'how many times the record was read (or pushed) and rejected' }) timesSeen: number;
  @ApiProperty({ description: 'first rejected' }) receivedAt: Date;
  @ApiProperty({ description: 'last rejected' }) lastSeenAt: Date;
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly statsService: StatsService,
  ) {}

  @Get('events')
  @ApiOkResponse({ type: EventPage })
  async list(@Caller() caller: Principal, @Query() q: EventQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.events.list(caller.organizationId, q));
  }

  @Get('events/:id')
  @ApiOkResponse({ type: EventDetailView })
  async get(@Caller() caller: Principal, @Param('id') id: string): Promise<EventDetailView> {
    const e = await this.events.get(caller.organizationId, id);
    return { ...EventView.of(e), raw: e.raw };
  }

  @Post('events')
  // items are checked one by one (findInvalidText): a NUL in one is that item's rejection, not a 400 for the batch
  @RouteConfig({ ownTextCheck: ['events'] } satisfies BodyConfig)
  @HttpCode(200)
  @ApiOperation({ summary: 'Push events (up to 1,000); 200 when every item was stored or a duplicate, 207 when some were rejected' })
  @ApiResponse({ status: 200, type: PushResultView })
  @ApiResponse({ status: 207, type: PushResultView })
  async push(@Caller() caller: Principal, @Body() dto: PushEventsDto, @Res({ passthrough: true }) res: FastifyReply): Promise<PushResultView> {
    const result = await this.events.push(caller.organizationId, dto.events);
    if (result.rejected > 0) res.status(207);
    return result;
  }

  @Get('rejected-records')
  @ApiOkResponse({ type: [RejectedView] })
  async rejected(@Caller() caller: Principal, @Query() q: RejectedQuery): Promise<{ data: RejectedView[]; nextCursor: string | null }> {
    return this.events.listRejected(caller.organizationId, q);
  }

  @Get('stats')
  @ApiOkResponse({ type: StatsView })
  stats(@Caller() caller: Principal, @Query() q: StatsQuery): Promise<StatsView> {
    return this.statsService.stats(caller.organizationId, q);
  }
}
