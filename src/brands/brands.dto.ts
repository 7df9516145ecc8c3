import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsInt, IsObject, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageQuery } from '../api/pagination';
import type { LocalizedBrandTexts } from './resolved-brand';
import { Brand } from './brand.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const URL_OPTS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const COLOR = /^#[0-9a-f]{6}$/;
export const TEXT_MAX = 2000;
export const URL_MAX = 2048;

// Decorators of a URL field: http(s) only; `emptyOk`: '' means "none".
const url = (field: string, emptyOk = false) => [
  Transform(trim),
  ValidateIf((o: Record<string, unknown>) => o[field] !== null && o[field] !== undefined && !(emptyOk && o[field] === '')),
  IsString(),
  MaxLength(URL_MAX),
  IsUrl(URL_OPTS, { message: `${field} must be an http:// or https:// URL${emptyOk ? " (or '' for none)" : ''}` }),
];
const email = (field: string) => [Transform(lower), ValidateIf((o: Record<string, unknown>) => o[field] !== null && o[field] !== undefined), IsEmail({}, { message: `${field} must be an e-mail address` })];
const color = (field: string) => [Transform(lower), IsOptional(), Matches(COLOR, { message: `${field} must be a colour written #rrggbb, e.g. #0b5fff` })];
const apply = (ds: PropertyDecorator[]): PropertyDecorator => (target, key) => ds.forEach((d) => d(target, key));

export class DkimDto {
  @ApiProperty({ example: 'northwind-hosting.example', description: 'Domain the signature is made for (d=)' })
  @Transform(lower) @IsString() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: 'dkim.domainName must be a domain such as example.com' })
  domainName: string;

  @ApiProperty({ example: 'hd2026', description: 'Selector (s=): the DNS record is <selector>._domainkey.<domain>' })
  @Transform(trim) @IsString() @Matches(/^[a-z0-9]([a-z0-9_-]{0,62})(\.[a-z0-9][a-z0-9_-]{0,62})*$/i, { message: 'dkim.keySelector must be letters, digits, "-" or "_"' })
  keySelector: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'PEM private key (or env:NAME, admin key and a granted name only: ENV_REFERENCE_GRANTS); stored encrypted, never returned. Leave out on update to keep the stored key.' })
  @IsOptional() @IsString() @MaxLength(16_384)
  @Matches(/^(-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----\s*|env:[A-Za-z_][A-Za-z0-9_]*)$/, { message: 'dkim.privateKey must be a PEM private key ("-----BEGIN PRIVATE KEY-----…") or env:NAME' })
  privateKey?: string;
}

export class CreateBrandDto {
  @ApiProperty({ example: 'Northwind Hosting', description: 'The name customers know; shown in every email' })
  @Transform(trim) @IsString() @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Logo image URL (http/https); PUT /v1/brands/:id/logo sets it to an uploaded image' })
  @apply(url('logoUrl')) logoUrl?: string | null;

  @ApiPropertyOptional({ minimum: 16, maximum: 300, default: 140, description: 'Logo width in px' })
  @IsOptional() @IsInt({ message: 'logoWidth must be a whole number of px' }) @Min(16) @Max(300)
  logoWidth?: number;

  @ApiPropertyOptional({ example: '#0b5fff', default: '#2563eb' }) @apply(color('primaryColor')) primaryColor?: string;
  @ApiPropertyOptional({ example: '#f59e0b', default: '#f59e0b' }) @apply(color('accentColor')) accentColor?: string;

  @ApiPropertyOptional({ description: 'From name; default: the brand name' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200)
  senderName?: string;

  @ApiPropertyOptional({ example: 'security@northwind-hosting.example', description: 'From address; default from the configuration (DEFAULT_SENDER_EMAIL)' })
  @IsOptional() @apply(email('senderEmail')) senderEmail?: string;

  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @apply(email('replyTo')) replyTo?: string | null;

  @ApiPropertyOptional({ default: '', description: 'Footer (address, company)' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) footerText?: string;
  @ApiPropertyOptional({ default: '', description: 'Legal notice' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) legalText?: string;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'object', properties: { footerText: { type: 'string', maxLength: TEXT_MAX }, legalText: { type: 'string', maxLength: TEXT_MAX } } },
    nullable: true, example: { de: { footerText: 'Northwind Hosting GmbH · Hauptstraße 1 · Berlin', legalText: 'Impressum: …' } },
    description: "footerText / legalText per locale (en, de, fr, es, nl, with or without a region): a customer's mail uses its locale's, else its language's, else footerText / legalText. Replaces the whole set; null clears it",
  })
  @IsOptional() localized?: LocalizedBrandTexts | null;
  @ApiPropertyOptional({ default: '', description: "Support page; '' for none" }) @IsOptional() @apply(url('supportUrl', true)) supportUrl?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @apply(email('supportEmail')) supportEmail?: string | null;
  @ApiPropertyOptional({ default: '', description: "Customer portal; '' for none" }) @IsOptional() @apply(url('portalUrl', true)) portalUrl?: string;

  @ApiPropertyOptional({ description: 'Public base URL of this service as customers of the brand reach it (unsubscribe and preference links, logo); default PUBLIC_BASE_URL' })
  @IsOptional() @apply(url('publicBaseUrl')) publicBaseUrl?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, default: 90, description: 'Days a link to the hosted customer page (sent when portalUrl is empty) keeps working after the mail was made' })
  @IsOptional() @IsInt({ message: 'customerPageTtlDays must be a whole number of days' }) @Min(1) @Max(3650)
  customerPageTtlDays?: number;

  @ApiPropertyOptional({ type: DkimDto, nullable: true, description: 'DKIM signing; null for none' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DkimDto)
  dkim?: DkimDto | null;
}

export class UpdateBrandDto extends PartialType(CreateBrandDto) {}

export class BrandQuery extends PageQuery {}

export class DkimView {
  @ApiProperty() domainName: string;
  @ApiProperty() keySelector: string;
  @ApiProperty({ description: 'whether a private key is stored (it is never returned)' }) hasPrivateKey: boolean;
}

export class BrandView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'used for customers without a brand; cannot be deleted' }) isDefault: boolean;
  @ApiProperty({ description: '+1 on every change' }) version: number;
  @ApiProperty({ type: String, nullable: true }) logoUrl: string | null;
  @ApiProperty() logoWidth: number;
  @ApiProperty({ example: '#0b5fff' }) primaryColor: string;
  @ApiProperty({ example: '#f59e0b' }) accentColor: string;
  @ApiProperty() senderName: string;
  @ApiProperty() senderEmail: string;
  @ApiProperty({ type: String, nullable: true }) replyTo: string | null;
  @ApiProperty() footerText: string;
  @ApiProperty() legalText: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' }, description: 'footerText / legalText per locale' }) localized: LocalizedBrandTexts;
  @ApiProperty() supportUrl: string;
  @ApiProperty({ type: String, nullable: true }) supportEmail: string | null;
  @ApiProperty() portalUrl: string;
  @ApiProperty() publicBaseUrl: string;
  @ApiProperty() customerPageTtlDays: number;
  @ApiProperty({ type: DkimView, nullable: true }) dkim: DkimView | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(b: Brand): BrandView {
    return {
      id: b.id, name: b.name, isDefault: b.isDefault, version: b.version, logoUrl: b.logoUrl, logoWidth: b.logoWidth,
      primaryColor: b.primaryColor, accentColor: b.accentColor, senderName: b.senderName, senderEmail: b.senderEmail,
      replyTo: b.replyTo, footerText: b.footerText, legalText: b.legalText, localized: b.localized ?? {}, supportUrl: b.supportUrl, supportEmail: b.supportEmail,
      portalUrl: b.portalUrl, publicBaseUrl: b.publicBaseUrl, customerPageTtlDays: b.customerPageTtlDays,
      dkim: b.dkimDomain && b.dkimSelector ? { domainName: b.dkimDomain, keySelector: b.dkimSelector, hasPrivateKey: !!b.dkimPrivateKey } : null,
      createdAt: b.createdAt, updatedAt: b.updatedAt,
    };
  }
}

export class BrandPage {
  @ApiProperty({ type: [BrandView] }) data: BrandView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
