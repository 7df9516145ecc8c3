import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { DESTINATION_KINDS } from '../destinations/destination-kinds';
import type { ContactQuietHours } from './contact-check';
import { ContactGroupRow, ContactRow } from './contact.entity';

const QUIET_DOC = "in the contact's time zone; end before start wraps midnight; a firing of at least bypassSeverity is sent anyway; null: none";

// quietHours and timeZone are checked by contact-check.ts (a 400 naming the field), so the DTO lets them through.
export class CreateContactDto {
  @ApiProperty({ example: 'Ana (on-call)' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ format: 'uuid', description: "one of this customer's technical contacts: hears of this customer only; default: operator staff" })
  @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Berlin', description: 'IANA time zone' }) @IsOptional() @Allow() timeZone?: string;
  @ApiPropertyOptional({ type: Object, nullable: true, example: { start: '22:00', end: '07:00', bypassSeverity: 'critical' }, description: QUIET_DOC })
  @IsOptional() @Allow() quietHours?: Record<string, unknown> | null;
  @ApiPropertyOptional({ default: true, description: 'a disabled contact receives nothing' }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateContactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'null: operator staff' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID() customerId?: string | null;
  @ApiPropertyOptional({ example: 'Europe/Berlin' }) @IsOptional() @Allow() timeZone?: string;
  @ApiPropertyOptional({ type: Object, nullable: true, description: QUIET_DOC }) @IsOptional() @Allow() quietHours?: Record<string, unknown> | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ContactQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
}

// A channel of the contact: a destination of any kind, checked, masked and sealed as every destination is.
export class CreateContactChannelDto {
  @ApiPropertyOptional({ enum: DESTINATION_KINDS, description: 'required unless appriseUrl is given' })
  @ValidateIf((o) => o.appriseUrl === undefined) @IsIn(DESTINATION_KINDS, { message: `kind must be one of ${DESTINATION_KINDS.join(', ')}` }) kind: string;
  @ApiPropertyOptional({ description: "default: the contact's name and the kind" }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: Object, example: { to: ['ana@example.com'] }, description: 'per kind, as POST /v1/destinations config (secrets write-only)' }) @Allow() config: Record<string, unknown>;
  @ApiPropertyOptional({ example: 'tgram://123456:ABC-token/987654', description: 'instead of kind and config: one Apprise URL' })
  @IsOptional() @IsString() @Length(1, 4096) appriseUrl?: string;
  @ApiPropertyOptional({ description: 'webhook: its signing secret (default: generated, returned once)' }) @IsOptional() @IsString() @Length(1, 200) signingSecret?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 6000 }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(6000) rateLimitPerMinute?: number | null;
}

export class ContactView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) customerId: string | null;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone: string;
  @ApiProperty({ type: Object, nullable: true, example: { start: '22:00', end: '07:00', bypassSeverity: 'critical' } }) quietHours: ContactQuietHours | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(c: ContactRow): ContactView {
    return { id: c.id, name: c.name, customerId: c.customerId, timeZone: c.timeZone, quietHours: c.quietHours, enabled: c.enabled, createdAt: c.createdAt, updatedAt: c.updatedAt };
  }
}

export class ContactPage {
  @ApiProperty({ type: [ContactView] }) data: ContactView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CreateContactGroupDto {
  @ApiProperty({ example: 'on-call' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid', default: [], description: "contact ids of this organization" })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true, message: 'memberIds must be contact ids' }) memberIds?: string[];
}

export class UpdateContactGroupDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'replaces the members' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true, message: 'memberIds must be contact ids' }) memberIds?: string[];
}

export type ContactGroupWithMembers = ContactGroupRow & { memberIds: string[] };

export class ContactGroupView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) memberIds: string[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(g: ContactGroupWithMembers): ContactGroupView {
    return { id: g.id, name: g.name, memberIds: g.memberIds, createdAt: g.createdAt, updatedAt: g.updatedAt };
  }
}

export class ContactGroupPage {
  @ApiProperty({ type: [ContactGroupView] }) data: ContactGroupView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
