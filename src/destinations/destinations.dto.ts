import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { APPRISE_SCHEMES, toAppriseUrl } from './apprise-schemes';
import { describeKinds } from './destination-kind';
import { DESTINATION_KINDS, findKindSpec, kindSpecs } from './destination-kinds';
import { DESTINATION_STATES, DestinationRow, SUBSCRIBABLE_TYPES } from './destination.entity';

const CONFIG_DOC =
  'per kind (secret fields are write-only: stored encrypted or as an env:NAME reference, shown masked under secrets; left out of a later config, they stay). ' +
  describeKinds(kindSpecs());

export class CreateDestinationDto {
  @ApiPropertyOptional({ enum: DESTINATION_KINDS, description: 'required unless appriseUrl is given' })
  @ValidateIf((o) => o.appriseUrl === undefined) @IsIn(DESTINATION_KINDS, { message: `kind must be one of ${DESTINATION_KINDS.join(', ')}` }) kind: string;
  @ApiProperty({ example: 'Customer portal' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ type: Object, example: { url: 'https://portal.example/hooks/hostdigest', headers: { 'X-Portal-Token': 'env:PORTAL_TOKEN' } }, description: `required unless appriseUrl is given; ${CONFIG_DOC}` })
  @Allow() config: Record<string, unknown>;
  @ApiPropertyOptional({
    example: 'ntfys://tk_mytoken@ntfy.example.com/alerts',
    description: `instead of kind and config: one Apprise URL, parsed into the same fields (a secret in it may be an env:NAME reference). Schemes: ${APPRISE_SCHEMES.map((x) => `${x}://`).join(', ')}`,
  })
  @IsOptional() @IsString() @Length(1, 4096) appriseUrl?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "a customer's own endpoint; default: organization-wide" }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "a contact's own channel (also POST /v1/contacts/{id}/channels): it subscribes to nothing and gets what a rule or the notice group sends its contact" })
  @IsOptional() @IsUUID() contactId?: string;
  @ApiPropertyOptional({ description: 'webhook: "whsec_" + base64 of 24–64 random bytes, or env:NAME; default: generated, and returned once in this answer' })
  @IsOptional() @IsString() @Length(1, 200) signingSecret?: string;
  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_TYPES, default: [], description: 'the message types sent to it (webhooks); none: only its tests' })
  @IsOptional() @Allow() eventTypes?: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ default: false, description: "gets the organization's operator notices (destination.disabled, destination.recovered)" })
  @IsOptional() @IsBoolean() operatorNotices?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 6000, description: 'messages per minute it takes, across all replicas (excess waits its turn); null: unlimited', example: 60 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(6000) rateLimitPerMinute?: number | null;
}

export class UpdateDestinationDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: Object, description: `replaces the whole config; ${CONFIG_DOC}` }) @IsOptional() config?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'instead of config: the destination as an Apprise URL of its own kind, e.g. the appriseUrl shown, edited; a secret left masked (****) is kept' })
  @IsOptional() @IsString() @Length(1, 4096) appriseUrl?: string;
  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_TYPES, description: 'replaces the list' }) @IsOptional() @Allow() eventTypes?: string[];
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'null: organization-wide' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID() customerId?: string | null;
  @ApiPropertyOptional({ default: false, description: "gets the organization's operator notices (destination.disabled, destination.recovered)" })
  @IsOptional() @IsBoolean() operatorNotices?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 6000, description: 'messages per minute it takes, across all replicas (excess waits its turn); null: unlimited', example: 60 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(6000) rateLimitPerMinute?: number | null;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'the new secret in whsec_ form; default: generated' }) @IsOptional() @IsString() @Length(1, 200) signingSecret?: string;
  @ApiPropertyOptional({ default: 86_400, description: 'how long messages carry the old signature too (0: none)' })
  @IsOptional() @IsInt() @Min(0) @Max(30 * 86_400) overlapSeconds?: number;
}

export class DestinationQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ enum: DESTINATION_KINDS }) @IsOptional() @IsIn(DESTINATION_KINDS) kind?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "a contact's channels" }) @IsOptional() @IsUUID() contactId?: string;
}

export class DestinationHealthView {
  @ApiProperty({ enum: DESTINATION_STATES }) state: string;
  @ApiProperty({ type: String, nullable: true, example: 'manual', description: 'why it is disabled' }) disabledReason: string | null;
  @ApiProperty({ type: String, nullable: true }) disabledAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastSuccessAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastFailureAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastFailure: string | null;
  @ApiProperty() consecutiveFailures: number;
  @ApiProperty({ type: String, nullable: true, description: 'the first failure since the last success' }) failingSince: Date | null;
}

export class DestinationView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: DESTINATION_KINDS }) kind: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) customerId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the contact whose channel it is' }) contactId: string | null;
  @ApiProperty({ type: Object, description: 'the settings; sealed values (webhook header values) masked: "encrypted" or their env:NAME reference' }) config: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, example: 'ntfys://****@ntfy.example.com/alerts', description: 'the destination as an Apprise URL, secrets masked (****, or their env:NAME reference)' })
  appriseUrl: string | null;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_TYPES }) eventTypes: string[];
  @ApiProperty({ description: "gets the organization's operator notices" }) operatorNotices: boolean;
  @ApiProperty({ type: Object, example: { signingSecret: 'encrypted' }, description: 'which secrets (signing secret, tokens, secret URLs) are set: "encrypted" or their env:NAME reference, never their values' }) secrets: Record<string, string | null>;
  @ApiProperty({ type: String, nullable: true, description: 'while a rotation overlaps: until when the previous secret signs too' }) previousSecretUntil: Date | null;
  @ApiProperty({ type: Number, nullable: true, description: 'messages per minute; null: unlimited' }) rateLimitPerMinute: number | null;
  @ApiProperty({ type: DestinationHealthView }) health: DestinationHealthView;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(d: DestinationRow, describe: (stored: string) => string | null): DestinationView {
    const config = { ...d.config };
    for (const map of findKindSpec(d.kind)?.sealedMaps ?? []) {
      const sealed = d.config[map] as Record<string, string> | undefined;
      if (sealed) config[map] = Object.fromEntries(Object.entries(sealed).map(([k, v]) => [k, describe(v)]));
    }
    const overlapping = d.previousSecrets && d.secretsOverlapUntil && d.secretsOverlapUntil.getTime() > Date.now();
    return {
      id: d.id, kind: d.kind, name: d.name, customerId: d.customerId, contactId: d.contactId,
      config,
      appriseUrl: toAppriseUrl(d.kind, d.config, (f) => (d.secrets[f] ? describe(d.secrets[f]) : null)),
      eventTypes: d.eventTypes, operatorNotices: d.operatorNotices,
      secrets: Object.fromEntries(Object.entries(d.secrets).map(([k, v]) => [k, describe(v)])),
      previousSecretUntil: overlapping ? d.secretsOverlapUntil : null,
      rateLimitPerMinute: d.rateLimitPerMinute,
      health: {
        state: d.state, disabledReason: d.disabledReason, disabledAt: d.disabledAt, lastSuccessAt: d.lastSuccessAt, lastFailureAt: d.lastFailureAt,
        lastFailure: d.lastFailure, consecutiveFailures: d.consecutiveFailures, failingSince: d.failingSince,
      },
      createdAt: d.createdAt, updatedAt: d.updatedAt,
    };
  }
}

export class CreatedDestinationView extends DestinationView {
  @ApiProperty({ type: String, nullable: true, description: 'webhook: the signing secret, shown this once (null for an env:NAME reference)' })
  signingSecret: string | null;
}

export class DestinationPage {
  @ApiProperty({ type: [DestinationView] }) data: DestinationView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
