import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { SecurityEventCreatedMessage } from '../event-subscriptions/security-event-message.dto';
import { DigestSentMessage, PortalCountersMessage } from '../event-subscriptions/subscription-messages.dto';
import { DestinationTestsService } from './destination-tests.service';
import { NotificationTestMessage } from './test-message.dto';

export class DestinationTestView {
  @ApiProperty({ description: 'the delivery of the test message (in GET /v1/deliveries)' }) deliveryId: string;
  @ApiProperty({ example: 'delivered', description: 'the delivery: delivered, failed (a retry is scheduled) or dead' }) status: string;
  @ApiProperty({ type: String, nullable: true, example: 'delivered', enum: ['delivered', 'transient_error', 'permanent_error'] }) outcome: string | null;
  @ApiProperty({ type: Number, nullable: true, description: "the target's HTTP status (webhooks)" }) statusCode: number | null;
  @ApiProperty({ type: String, nullable: true, description: "the target's answer: the response body (up to 4 KB) or the SMTP reply" }) response: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
}

// The webhook message types are documented here (components.schemas), one JSON schema each.
@ApiTags('destinations')
@ApiBearerAuth()
@ApiExtraModels(NotificationTestMessage, SecurityEventCreatedMessage, DigestSentMessage, PortalCountersMessage)
@Controller('v1/destinations')
export class DestinationTestsController {
  constructor(private readonly tests: DestinationTestsService) {}

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a notification.test message now, through the pipeline, and answer with what the target said' })
  @ApiOkResponse({ type: DestinationTestView })
  test(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DestinationTestView> {
    return this.tests.test(c, id);
  }
}
