import { ApiProperty } from '@nestjs/swagger';

// The JSON schema of the security_event.created webhook message, for the OpenAPI document (components.schemas).
class SecurityEventData {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'detection' }) kind: string;
  @ApiProperty({ type: String, nullable: true, example: 'critical' }) severity: string | null;
  @ApiProperty({ type: String, nullable: true }) threatName: string | null;
  @ApiProperty({ type: String, nullable: true }) filePath: string | null;
  @ApiProperty({ type: String, nullable: true }) process: string | null;
  @ApiProperty({ type: String, nullable: true }) server: string | null;
  @ApiProperty({ type: String, nullable: true }) domain: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

class SecurityEventCustomer {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty() name: string;
}

class SecurityEventSite {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) domain: string | null;
}

class SecurityEventCreatedData {
  @ApiProperty({ type: SecurityEventData }) event: SecurityEventData;
  @ApiProperty({ type: SecurityEventCustomer, nullable: true }) customer: SecurityEventCustomer | null;
  @ApiProperty({ type: SecurityEventSite, nullable: true }) site: SecurityEventSite | null;
}

export class SecurityEventCreatedMessage {
  @ApiProperty({ enum: ['security_event.created'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'when the event occurred' }) timestamp: string;
  @ApiProperty({ type: SecurityEventCreatedData }) data: SecurityEventCreatedData;
}
