import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { Caller, RequireScope } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { Organization } from './organization.entity';
import { OrganizationsService } from './organizations.service';

export class OrganizationView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() isDefault: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'operator notices (a destination disabled or recovered) go here when no destination has operatorNotices: true' })
  adminEmail: string | null;
  @ApiProperty({ type: String, nullable: true, description: "operator notices (a destination failing, disabled or recovered; a vendor account failing to poll, or polling again) go to this contact group's channels, besides the operatorNotices destinations; adminEmail only when neither has any" })
  noticeContactGroupId: string | null;
  @ApiProperty() createdAt: Date;
  static of(o: Organization): OrganizationView {
    return { id: o.id, name: o.name, isDefault: o.isDefault, adminEmail: o.adminEmail, noticeContactGroupId: o.noticeContactGroupId ?? null, createdAt: o.createdAt };
  }
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes it' })
  @IsOptional() @ValidateIf((o) => o.adminEmail !== null) @IsEmail({}, { message: 'adminEmail must be an e-mail address' }) adminEmail?: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'the operator contact group for notices; null removes it' })
  @IsOptional() @ValidateIf((o) => o.noticeContactGroupId !== null) @IsUUID('all', { message: 'noticeContactGroupId must be a contact group id' }) noticeContactGroupId?: string | null;
}

@ApiTags('organization')
@ApiBearerAuth()
@Controller('v1/organization')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Get()
  @ApiOkResponse({ type: OrganizationView, description: "The API key's organization" })
  async get(@Caller() caller: Principal): Promise<OrganizationView> {
    return OrganizationView.of(await this.orgs.get(caller.organizationId));
  }

  @Patch()
  @RequireScope('admin')
  @ApiOkResponse({ type: OrganizationView })
  async update(@Caller() caller: Principal, @Body() dto: UpdateOrganizationDto): Promise<OrganizationView> {
    return OrganizationView.of(await this.orgs.update(caller.organizationId, dto));
  }
}
