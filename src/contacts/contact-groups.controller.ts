import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { mapPage, PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { ContactGroupsService } from './contact-groups.service';
import { ContactGroupPage, ContactGroupView, CreateContactGroupDto, UpdateContactGroupDto } from './contacts.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contact-groups')
export class ContactGroupsController {
  constructor(private readonly groups: ContactGroupsService) {}

  @Post()
  @ApiCreatedResponse({ type: ContactGroupView })
  async create(@Caller() c: Principal, @Body() dto: CreateContactGroupDto): Promise<ContactGroupView> {
    return ContactGroupView.of(await this.groups.create(c.organizationId, dto));
  }

  @Get()
  @ApiOkResponse({ type: ContactGroupPage })
  async list(@Caller() c: Principal, @Query() q: PageQuery): Promise<ContactGroupPage> {
    return mapPage(await this.groups.list(c.organizationId, q), ContactGroupView.of);
  }

  @Get(':id')
  @ApiOkResponse({ type: ContactGroupView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ContactGroupView> {
    return ContactGroupView.of(await this.groups.get(c.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ContactGroupView })
  async update(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateContactGroupDto): Promise<ContactGroupView> {
    return ContactGroupView.of(await this.groups.update(c.organizationId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "a rule's action naming it then reaches no one; the organization's notice group setting is cleared" })
  remove(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.groups.remove(c.organizationId, id);
  }
}
