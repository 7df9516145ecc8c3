import { ApiProperty } from '@nestjs/swagger';

// The JSON schemas of the digest.sent and portal.counters webhook messages, for the OpenAPI document
// (components.schemas). Neither holds a list, so a body stays far under the 20 KB bound.

class MessageCustomer {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty() name: string;
}

class DigestSentDigest {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['daily', 'weekly', 'monthly'] }) cadence: string;
  @ApiProperty({ format: 'date-time' }) periodStart: string;
  @ApiProperty({ format: 'date-time', description: 'exclusive' }) periodEnd: string;
  @ApiProperty({ description: '0 for the scheduled digest, 1… for resends' }) generation: number;
  @ApiProperty({ format: 'date-time' }) sentAt: string;
}

class DigestSentCounts {
  @ApiProperty({ description: 'events of the period' }) events: number;
  @ApiProperty({ description: 'detection events of the period' }) detections: number;
  @ApiProperty({ description: 'threats of the period (= cleaned + outstanding), as /v1/stats counts them' }) threats: number;
  @ApiProperty() cleaned: number;
  @ApiProperty() outstanding: number;
  @ApiProperty({ description: "the customer's sites" }) sites: number;
  @ApiProperty({ description: 'sites with a threat in the period' }) sitesAffected: number;
  @ApiProperty({ description: "sites cleaned in the calendar month of the period's end, the customer's time zone" }) sitesCleanedThisMonth: number;
}

class DigestSentData {
  @ApiProperty({ type: DigestSentDigest }) digest: DigestSentDigest;
  @ApiProperty({ type: MessageCustomer, nullable: true }) customer: MessageCustomer | null;
  @ApiProperty({ type: DigestSentCounts, description: 'the figures the digest showed' }) counts: DigestSentCounts;
}

export class DigestSentMessage {
  @ApiProperty({ enum: ['digest.sent'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'when the digest was sent' }) timestamp: string;
  @ApiProperty({ type: DigestSentData }) data: DigestSentData;
}

class PortalCounters {
  @ApiProperty({ description: "sites cleaned this month (the customer's local calendar month), as /v1/stats sitesCleanedThisMonth" }) sitesCleanedThisMonth: number;
  @ApiProperty({ description: "threats still open this month, as /v1/stats threats.outstanding for the customer" }) openThreats: number;
  @ApiProperty({ description: "the customer's sites whose latest protection change (if any) leaves them protected" }) protectedSites: number;
}

class PortalCountersData {
  @ApiProperty({ type: MessageCustomer }) customer: MessageCustomer;
  @ApiProperty({ example: '2026-12', description: "the customer's local month the counters are for" }) month: string;
  @ApiProperty({ type: PortalCounters }) counters: PortalCounters;
}

export class PortalCountersMessage {
  @ApiProperty({ enum: ['portal.counters'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'when the counters were read' }) timestamp: string;
  @ApiProperty({ type: PortalCountersData }) data: PortalCountersData;
}
