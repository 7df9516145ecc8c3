import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { LIMITS, normalizeDomain, normalizeIdentifier } from './fields';
import { Normalized } from './normalized.decorator';
import { Site } from './site.entity';

const IDENTIFIER = 'must be 1 to 255 characters without spaces, "|" or ";"';

export class CreateSiteDto {
  @ApiPropertyOptional({ type: [String], example: ['acme.example', 'www.acme.example'], maxItems: LIMITS.domains, default: [],
    description: 'Host names; stored lower-case without scheme, path or trailing dot. Each belongs to one site only.' })
  @IsOptional() @IsArray() @ArrayMaxSize(LIMITS.domains) @Normalized(normalizeDomain, 'each domain must be a host name such as example.com', { each: true })
  domains?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'web02.host.example', description: 'The server identifier as the vendor reports it' })
  @IsOptional() @Normalized(normalizeIdentifier, `server ${IDENTIFIER}`)
  server?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'acmebake', description: 'The account (user name) on that server' })
  @IsOptional() @Normalized(normalizeIdentifier, `accountUser ${IDENTIFIER}`)
  accountUser?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: LIMITS.vendorSiteIds, default: [], description: "The vendor's ids for this site" })
  @IsOptional() @IsArray() @ArrayMaxSize(LIMITS.vendorSiteIds) @Normalized(normalizeIdentifier, `each vendor site id ${IDENTIFIER}`, { each: true })
  vendorSiteIds?: string[];
}

export class UpdateSiteDto extends PartialType(CreateSiteDto) {}

export class SiteQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;

  @ApiPropertyOptional({ description: 'sites having this domain' })
  @IsOptional() @Normalized(normalizeDomain, 'domain must be a host name such as example.com')
  domain?: string;

  @ApiPropertyOptional({ description: 'case-insensitive' }) @IsOptional() @Normalized(normalizeIdentifier, `server ${IDENTIFIER}`)
  server?: string;

  @ApiPropertyOptional({ description: 'case-insensitive' }) @IsOptional() @Normalized(normalizeIdentifier, `accountUser ${IDENTIFIER}`)
  accountUser?: string;
}

export class SiteView {
  @ApiProperty() id: string;
  @ApiProperty() customerId: string;
  @ApiProperty({ type: [String] }) domains: string[];
  @ApiProperty({ type: String, nullable: true }) server: string | null;
  @ApiProperty({ type: String, nullable: true }) accountUser: string | null;
  @ApiProperty({ type: [String] }) vendorSiteIds: string[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(s: Site): SiteView {
    return {
      id: s.id, customerId: s.customerId, domains: s.domains, server: s.server, accountUser: s.accountUser,
      vendorSiteIds: s.vendorSiteIds, createdAt: s.createdAt, updatedAt: s.updatedAt,
    };
  }
}

export class SitePage {
  @ApiProperty({ type: [SiteView] }) data: SiteView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
