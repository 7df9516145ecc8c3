import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { AnswersWithSecret } from '../api/idempotency';
import { mapPage, PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { CreatedDestinationView, DestinationPage, DestinationView } from '../destinations/destinations.dto';
import { DestinationsService } from '../destinations/destinations.service';
import { ContactPage, ContactQuery, ContactView, CreateContactChannelDto, CreateContactDto, UpdateContactDto } from './contacts.dto';
import { ContactsService } from './contacts.service';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly destinations: DestinationsService,
  ) {}

  private channelView = (d: Parameters<typeof DestinationView.of>[0]) => DestinationView.of(d, this.destinations.describe);

  @Post()
  @ApiCreatedResponse({ type: ContactView })
  async create(@Caller() c: Principal, @Body() dto: CreateContactDto): Promise<ContactView> {
    return ContactView.of(await this.contacts.create(c.organizationId, dto));
  }

  @Get()
  @ApiOkResponse({ type: ContactPage })
  async list(@Caller() c: Principal, @Query() q: ContactQuery): Promise<ContactPage> {
    return mapPage(await this.contacts.list(c.organizationId, q), ContactView.of);
  }

  @Get(':id')
  @ApiOkResponse({ type: ContactView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ContactView> {
    return ContactView.of(await this.contacts.get(c.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ContactView })
  async update(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateContactDto): Promise<ContactView> {
    return ContactView.of(await this.contacts.update(c.organizationId, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'its channels are deleted with it; past deliveries stay in the log' })
  remove(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.contacts.remove(c.organizationId, id);
  }

  @Post(':id/channels')
  @AnswersWithSecret()
  @ApiOperation({ summary: "A channel of the contact: a destination of any kind (DELETE/PATCH/test it under /v1/destinations)" })
  @ApiCreatedResponse({ type: CreatedDestinationView })
  async addChannel(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateContactChannelDto): Promise<CreatedDestinationView> {
    const { destination, signingSecret } = await this.contacts.addChannel(c, id, dto);
    return { ...this.channelView(destination), signingSecret };
  }

  @Get(':id/channels')
  @ApiOkResponse({ type: DestinationPage })
  async channels(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery): Promise<DestinationPage> {
    return mapPage(await this.contacts.channels(c.organizationId, id, q), this.channelView);
  }
}
