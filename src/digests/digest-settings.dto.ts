import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { LIMITS, normalizeEmail, normalizeLocale, normalizeTimeZone } from '../customers/fields';
import { Normalized } from '../customers/normalized.decorator';
import { EVENT_KINDS, EventKind } from '../events/normalized-event';
import type { DigestCadence } from './digest-period';
import type { DigestSubscription } from './digest-subscription.entity';

export const DIGEST_CADENCES: readonly DigestCadence[] = ['off', 'daily', 'weekly', 'monthly'];
const kindsMessage = `each kind must be one of ${EVENT_KINDS.join(', ')}`;

export class DigestSettingsDto {
  @ApiProperty({ enum: DIGEST_CADENCES, example: 'weekly' })
  @IsIn(DIGEST_CADENCES, { message: `cadence must be one of ${DIGEST_CADENCES.join(', ')}` })
  cadence: DigestCadence;

  @ApiPropertyOptional({ minimum: 1, maximum: 7, default: 1, description: 'weekly: 1 = Monday … 7 = Sunday; the week starts on this day' })
  @IsOptional() @IsInt() @Min(1) @Max(7)
  dayOfWeek?: number;

  @ApiPropertyOptional({ example: '08:00', default: '08:00', description: 'local time of day, HH:MM (24 h)' })
  @IsOptional() @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'sendTime must be HH:MM (24 h), e.g. 08:00' })
  sendTime?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin', description: "IANA time zone; null = the customer's" })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Normalized(normalizeTimeZone, 'timeZone must be an IANA time zone such as Europe/Berlin or UTC')
  timeZone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'de', description: "language tag; null = the customer's" })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @Normalized(normalizeLocale, 'locale must be a language tag such as en, de or pt-BR')
  locale?: string | null;

  @ApiPropertyOptional({ type: [String], default: [], description: "recipient addresses; empty = the customer's e-mail addresses" })
  @IsOptional() @IsArray() @ArrayMaxSize(LIMITS.emails) @Normalized(normalizeEmail, 'each recipient must be a valid e-mail address', { each: true })
  recipients?: string[];

  @ApiPropertyOptional({ default: true, description: 'send nothing for a period without events' })
  @IsOptional() @IsBoolean()
  skipWhenEmpty?: boolean;

  @ApiPropertyOptional({ enum: EVENT_KINDS, isArray: true, nullable: true, description: 'event kinds the digest counts; null = all' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsArray() @IsIn(EVENT_KINDS, { each: true, message: kindsMessage })
  includeKinds?: EventKind[] | null;

  @ApiPropertyOptional({ enum: EVENT_KINDS, isArray: true, default: [], description: 'kinds left out of the digest: sent at once through rules and deliveries' })
  @IsOptional() @IsArray() @IsIn(EVENT_KINDS, { each: true, message: kindsMessage })
  urgentKinds?: EventKind[];
}

export class DigestSettingsView {
  @ApiProperty() customerId: string;
  @ApiProperty({ enum: DIGEST_CADENCES }) cadence: DigestCadence;
  @ApiProperty() dayOfWeek: number;
  @ApiProperty() sendTime: string;
  @ApiProperty({ type: String, nullable: true }) timeZone: string | null;
  @ApiProperty({ type: String, nullable: true }) locale: string | null;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty() skipWhenEmpty: boolean;
  @ApiProperty({ enum: EVENT_KINDS, isArray: true, nullable: true }) includeKinds: string[] | null;
  @ApiProperty({ enum: EVENT_KINDS, isArray: true }) urgentKinds: string[];
  @ApiProperty({ description: 'what applies after the customer defaults fill the gaps' })
  effective: { timeZone: string; locale: string; recipients: string[] };
  @ApiProperty({ type: String, nullable: true, description: 'next local send moment (UTC)' }) nextDueAt: Date | null;

  static of(s: DigestSubscription, effective: DigestSettingsView['effective']): DigestSettingsView {
    return {
      customerId: s.customerId, cadence: s.cadence, dayOfWeek: s.dayOfWeek, sendTime: s.sendTime, timeZone: s.timeZone,
      locale: s.locale, recipients: s.recipients, skipWhenEmpty: s.skipWhenEmpty, includeKinds: s.includeKinds,
      urgentKinds: s.urgentKinds, effective, nextDueAt: s.nextDueAt,
    };
  }
}
