import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Transform } from 'class-transformer';
import { PageQuery } from '../api/pagination';
import { Customer } from './customer.entity';
import { CUSTOMER_STATUSES, CustomerStatus, LIMITS, normalizeEmail, normalizeLocale, normalizeTimeZone } from './fields';
import { Normalized } from './normalized.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCustomerDto {
  @ApiProperty({ example: 'whmcs-1042', description: "The operator's own client id (e.g. WHMCS client id); unique in the organization" })
  @Transform(trim) @IsString() @Length(1, LIMITS.text)
  externalRef: string;

  @ApiProperty({ example: 'Acme Bakery Ltd' }) @Transform(trim) @IsString() @Length(1, LIMITS.text)
  name: string;

  @ApiPropertyOptional({ type: [String], example: ['owner@acme.example'], maxItems: LIMITS.emails, default: [] })
  @IsOptional() @IsArray() @ArrayMaxSize(LIMITS.emails) @Normalized(normalizeEmail, 'each email must be a valid e-mail address', { each: true })
  emails?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @IsOptional() @IsUUID()
  brandId?: string | null;

  @ApiPropertyOptional({ example: 'en-GB', default: 'en', description: 'BCP 47 language tag' })
  @IsOptional() @Normalized(normalizeLocale, 'locale must be a language tag such as en, de or pt-BR')
  locale?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone' })
  @IsOptional() @Normalized(normalizeTimeZone, 'timeZone must be an IANA time zone such as Europe/Berlin or UTC')
  timeZone?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, default: 'active' })
  @IsOptional() @IsIn(CUSTOMER_STATUSES, { message: `status must be one of ${CUSTOMER_STATUSES.join(', ')}` })
  status?: CustomerStatus;
}

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {}

export class CustomerQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES }) @IsOptional() @IsIn(CUSTOMER_STATUSES, { message: `status must be one of ${CUSTOMER_STATUSES.join(', ')}` })
  status?: CustomerStatus;

  @ApiPropertyOptional({ description: 'exact external reference' }) @IsOptional() @IsString() @Length(1, LIMITS.text)
  externalRef?: string;

  @ApiPropertyOptional({ description: 'search in name and e-mail addresses (case-insensitive substring)' })
  @IsOptional() @IsString() @Length(1, LIMITS.text)
  q?: string;
}

export class CustomerView {
  @ApiProperty() id: string;
  @ApiProperty() externalRef: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) emails: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) brandId: string | null;
  @ApiProperty() locale: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ enum: CUSTOMER_STATUSES }) status: CustomerStatus;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(c: Customer): CustomerView {
    return {
      id: c.id, externalRef: c.externalRef, name: c.name, emails: c.emails, brandId: c.brandId, locale: c.locale,
      timeZone: c.timeZone, status: c.status, createdAt: c.createdAt, updatedAt: c.updatedAt,
    };
  }
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerView] }) data: CustomerView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
