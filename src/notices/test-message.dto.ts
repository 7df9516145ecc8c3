import { ApiProperty } from '@nestjs/swagger';

// The JSON schema of the notification.test webhook message, for the OpenAPI document (components.schemas).
class TestDestination {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
}

class NotificationTestData {
  @ApiProperty({ type: TestDestination }) destination: TestDestination;
  @ApiProperty({ example: 'api:8c1e…', description: 'the API key that asked' }) requestedBy: string;
  @ApiProperty() message: string;
}

export class NotificationTestMessage {
  @ApiProperty({ enum: ['notification.test'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'when the test was asked for' }) timestamp: string;
  @ApiProperty({ type: NotificationTestData }) data: NotificationTestData;
}
