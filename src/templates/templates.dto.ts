import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested,
} from 'class-validator';
import { PageQuery } from '../api/pagination';
import { ALL_PARTS, CHANNEL_PARTS, TEMPLATE_KINDS, TemplateKind, TemplatePart } from './template-kinds';

const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const URL_OPTS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const KIND_MESSAGE = `kind must be one of ${TEMPLATE_KINDS.join(', ')}`;

export class IssueView {
  @ApiProperty({ enum: ALL_PARTS }) part: TemplatePart;
  @ApiProperty({ description: '1-based' }) line: number;
  @ApiProperty({ description: '1-based' }) column: number;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: "channel kinds: the destination kind of the override (byKind) it is in" }) channelKind?: string;
}

export class TemplateInvalidView {
  @ApiProperty({ example: 'template_invalid' }) code: string;
  @ApiProperty({ example: 'mjml line 12, column 5: {{#each sites}} sits between MJML components…' }) message: string;
  @ApiProperty({ enum: ALL_PARTS, description: 'the part of the first error' }) field: TemplatePart;
  @ApiProperty({ type: [IssueView] }) errors: IssueView[];
  @ApiProperty({ type: [IssueView] }) warnings: IssueView[];
}

export class TemplateQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() brandId?: string;
  @ApiPropertyOptional({ enum: TEMPLATE_KINDS }) @IsOptional() @IsIn(TEMPLATE_KINDS, { message: KIND_MESSAGE }) kind?: TemplateKind;
}

export class CreateTemplateDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() brandId: string;
  @ApiProperty({ enum: TEMPLATE_KINDS }) @IsIn(TEMPLATE_KINDS, { message: KIND_MESSAGE }) kind: TemplateKind;
}

// No length limits here: the validator reports an oversized part with the part and the limit (BODY_LIMIT caps the request).
// An e-mail kind takes subject, mjml and text; a channel kind (channel.*) title, body, link and severity (version-source.ts).
export class TemplateSourceDto {
  @ApiPropertyOptional({ description: 'e-mail kinds: Handlebars' }) @IsOptional() @IsString() subject?: string;
  @ApiPropertyOptional({ description: 'e-mail kinds: MJML with Handlebars and [[brand.*]] bindings' }) @IsOptional() @IsString() mjml?: string;
  @ApiPropertyOptional({ description: 'e-mail kinds: plain-text body, Handlebars' }) @IsOptional() @IsString() text?: string;
  @ApiPropertyOptional({ description: 'channel kinds: one line, Handlebars, plain text (the channel escapes it)' }) @IsOptional() @IsString() title?: string;
  @ApiPropertyOptional({ description: 'channel kinds: the message text, Handlebars, plain text' }) @IsOptional() @IsString() body?: string;
  @ApiPropertyOptional({ description: 'channel kinds: an http(s) URL or empty, Handlebars' }) @IsOptional() @IsString() link?: string;
  @ApiPropertyOptional({ description: 'channel kinds: critical, high, medium, low or info, Handlebars' }) @IsOptional() @IsString() severity?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { twilio: { body: '{{event.threatName}} on {{where}}' } }, description: 'channel kinds: parts that replace the base ones for one destination kind' })
  @IsOptional() byKind?: Record<string, Record<string, string>>;
}

export class SaveVersionDto extends TemplateSourceDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'what changed' }) @IsOptional() @IsString() @MaxLength(500) note?: string;
  @ApiPropertyOptional({ default: false, description: 'publish it at once' }) @IsOptional() @IsBoolean() publish?: boolean;
}

export class PublishDto {
  @ApiProperty({ minimum: 1, description: 'a draft to publish, or an earlier version to roll back to' })
  @IsInt() @Min(1) version: number;
}

export class VersionSummaryView {
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['published', 'draft', 'archived'], description: 'draft: never published; archived: published before' }) status: 'published' | 'draft' | 'archived';
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'API key name (prefix)' }) createdBy: string;
  @ApiProperty({ type: Date, nullable: true, description: 'when it was last published' }) publishedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) publishedBy: string | null;
}

export class VersionView extends VersionSummaryView {
  @ApiProperty({ description: "'' for channel kinds" }) subject: string;
  @ApiProperty({ description: "'' for channel kinds" }) mjml: string;
  @ApiProperty({ description: "'' for channel kinds" }) text: string;
  @ApiPropertyOptional({ description: 'channel kinds' }) title?: string;
  @ApiPropertyOptional({ description: 'channel kinds' }) body?: string;
  @ApiPropertyOptional({ description: 'channel kinds' }) link?: string;
  @ApiPropertyOptional({ description: 'channel kinds' }) severity?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'channel kinds: per destination kind overrides' }) byKind?: Record<string, Record<string, string>>;
}

export class TemplateSummaryView {
  @ApiProperty() id: string;
  @ApiProperty() brandId: string;
  @ApiProperty({ enum: TEMPLATE_KINDS }) kind: TemplateKind;
  @ApiProperty() publishedVersion: number;
  @ApiProperty() latestVersion: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class TemplateView extends TemplateSummaryView {
  @ApiProperty({ type: VersionView }) published: VersionView;
}

export class TemplatePage {
  @ApiProperty({ type: [TemplateSummaryView] }) data: TemplateSummaryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class VersionPage {
  @ApiProperty({ type: [VersionSummaryView] }) data: VersionSummaryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class SavedVersionView {
  @ApiProperty() version: number;
  @ApiProperty({ description: 'whether this version is now the published one' }) published: boolean;
  @ApiProperty({ type: [IssueView], description: 'unknown variables and the like: saved anyway' }) warnings: IssueView[];
}

const nullableUrl = (field: string, emptyOk: boolean) => [
  ValidateIf((o: Record<string, unknown>) => o[field] !== null && o[field] !== undefined && !(emptyOk && o[field] === '')),
  IsUrl(URL_OPTS, { message: `brand.${field} must be an http:// or https:// URL` }),
];
const apply = (ds: PropertyDecorator[]): PropertyDecorator => (target, key) => ds.forEach((d) => d(target, key));

// Unsaved brand edits, shown in the preview before they are saved.
export class PreviewBrandDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @apply(nullableUrl('logoUrl', false)) logoUrl?: string | null;
  @ApiPropertyOptional({ minimum: 16, maximum: 300 }) @IsOptional() @IsInt() @Min(16) @Max(300) logoWidth?: number;
  @ApiPropertyOptional({ example: '#0b5fff' }) @IsOptional() @Matches(COLOR, { message: 'brand.primaryColor must be a colour written #rrggbb' }) primaryColor?: string;
  @ApiPropertyOptional({ example: '#f59e0b' }) @IsOptional() @Matches(COLOR, { message: 'brand.accentColor must be a colour written #rrggbb' }) accentColor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) footerText?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) legalText?: string;
  @ApiPropertyOptional() @IsOptional() @apply(nullableUrl('supportUrl', true)) supportUrl?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @ValidateIf((o) => o.supportEmail !== null) @IsEmail({}, { message: 'brand.supportEmail must be an e-mail address' }) supportEmail?: string | null;
  @ApiPropertyOptional() @IsOptional() @apply(nullableUrl('portalUrl', true)) portalUrl?: string;
}

export class PeriodDto {
  @ApiProperty({ example: '2026-11-16T00:00:00Z' }) @IsISO8601({ strict: true }) start: string;
  @ApiProperty({ example: '2026-11-23T00:00:00Z', description: 'exclusive' }) @IsISO8601({ strict: true }) end: string;
}

export class PreviewDto {
  @ApiPropertyOptional({ description: 'a saved version; default the published one' }) @IsOptional() @IsInt() @Min(1) version?: number;
  @ApiPropertyOptional({ type: TemplateSourceDto, description: 'unsaved editor content; wins over version' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TemplateSourceDto) source?: TemplateSourceDto;
  @ApiPropertyOptional({ type: PreviewBrandDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => PreviewBrandDto) brand?: PreviewBrandDto;
  @ApiPropertyOptional({ example: 'de' }) @IsOptional() @IsString() @Matches(LOCALE, { message: 'locale must be a language tag such as en, de or pt-BR' }) locale?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'real data of this customer (digest kinds; needs period)' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ type: PeriodDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => PeriodDto) period?: PeriodDto;
  @ApiPropertyOptional({ example: 'twilio', description: 'channel kinds: preview what a destination of this kind gets (its byKind override)' })
  @IsOptional() @IsString() @MaxLength(40) destinationKind?: string;
}

export class PreviewBytes {
  @ApiProperty() html: number;
  @ApiProperty() text: number;
}

// A channel kind's preview: the four parts as the channel adapters get them (before their escaping and cutting).
export class ChannelPreviewView {
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ description: "an http(s) URL, or '' (anything else is dropped when sent)" }) link: string;
  @ApiProperty({ description: 'critical, high, medium, low or info (anything else is sent as info)' }) severity: string;
  @ApiProperty({ type: [IssueView] }) warnings: IssueView[];
  @ApiProperty({ description: 'characters (code points) of the body' }) chars: number;
}

export class PreviewView {
  @ApiProperty() subject: string;
  @ApiProperty() html: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: [IssueView] }) warnings: IssueView[];
  @ApiProperty({ type: PreviewBytes, description: 'UTF-8 sizes (Gmail clips HTML over 102 KB)' }) bytes: PreviewBytes;
}

export class TestSendDto {
  @ApiProperty({ example: 'me@operator.example' }) @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'to must be an e-mail address' }) to: string;
  @ApiPropertyOptional({ description: 'default the published one' }) @IsOptional() @IsInt() @Min(1) version?: number;
  @ApiPropertyOptional({ example: 'fr' }) @IsOptional() @IsString() @Matches(LOCALE, { message: 'locale must be a language tag such as en, de or pt-BR' }) locale?: string;
}

export class TestSendView {
  @ApiProperty() messageId: string;
}

export class TemplateVariableView {
  @ApiProperty({ example: 'sites[].domain' }) path: string;
  @ApiProperty() type: string;
  @ApiProperty() description: string;
  @ApiPropertyOptional({ description: 'may also be written [[path]] in the MJML body (bound before MJML runs)' }) brandBinding?: boolean;
}

export class HelperView {
  @ApiProperty() name: string;
  @ApiProperty() usage: string;
  @ApiProperty() description: string;
}

export class TemplateKindView {
  @ApiProperty({ enum: TEMPLATE_KINDS }) kind: TemplateKind;
  @ApiProperty({ enum: ['email', 'channel'], description: 'email: subject, mjml, text; channel: title, body, link, severity' }) family: 'email' | 'channel';
  @ApiProperty({ type: [String], enum: ALL_PARTS }) parts: TemplatePart[];
  @ApiProperty() description: string;
  @ApiProperty({ type: [TemplateVariableView] }) variables: TemplateVariableView[];
  @ApiProperty({ type: [HelperView] }) helpers: HelperView[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what previews render without a customer' }) sampleData: object;
}

export class TemplateKindList {
  @ApiProperty({ type: [TemplateKindView] }) data: TemplateKindView[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: every kind is in one page' }) nextCursor: string | null;
}

export class TemplateSourceView {
  @ApiPropertyOptional() subject?: string;
  @ApiPropertyOptional() mjml?: string;
  @ApiPropertyOptional() text?: string;
  @ApiPropertyOptional({ enum: CHANNEL_PARTS }) title?: string;
  @ApiPropertyOptional() body?: string;
  @ApiPropertyOptional() link?: string;
  @ApiPropertyOptional() severity?: string;
}
