import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { sendJson } from '../api/json-page';
import type { Principal } from '../api-keys/api-keys.service';
import { AttemptView, DeliveryDetailView, DeliveryPage, DeliveryQuery, DeliveryView } from './deliveries.dto';
import { DeliveriesService } from './deliveries.service';

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOkResponse({ type: DeliveryPage })
  async list(@Caller() caller: Principal, @Query() q: DeliveryQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    return sendJson(res, await this.deliveries.list(caller.organizationId, q));
  }

  @Get(':id')
  @ApiOkResponse({ type: DeliveryDetailView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DeliveryDetailView> {
    const { delivery, attempts } = await this.deliveries.get(caller.organizationId, id);
    return { ...DeliveryView.of(delivery), attemptLog: attempts.map(AttemptView.of) };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: DeliveryView, description: 'queued to be sent again now; its attempt is logged as a replay' })
  async replay(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DeliveryView> {
    return DeliveryView.of(await this.deliveries.replay(caller, id));
  }
}
