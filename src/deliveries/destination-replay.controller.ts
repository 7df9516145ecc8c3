import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { Caller } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { DestinationReplay } from './destination-replay';
import { REPLAYABLE_STATUSES } from './replay-range';

export class ReplayRangeDto {
  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'deliveries created at or after this instant' }) @Allow() from: string;
  @ApiProperty({ example: '2026-12-02T00:00:00Z', description: 'and before this one' }) @Allow() to: string;
  @ApiPropertyOptional({ enum: REPLAYABLE_STATUSES, isArray: true, description: 'one status or a list; default both' }) @Allow() status?: string | string[];
}

export class ReplayRangeView {
  @ApiProperty({ description: 'deliveries queued to be sent again, in their original order' }) requeued: number;
}

@ApiTags('destinations')
@ApiBearerAuth()
@Controller('v1/destinations')
export class DestinationReplayController {
  constructor(private readonly replays: DestinationReplay) {}

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayRangeView, description: 'failed and dead deliveries of the range, sent again as new rounds with the same message id' })
  replay(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReplayRangeDto): Promise<ReplayRangeView> {
    return this.replays.replay(c, id, dto);
  }
}
