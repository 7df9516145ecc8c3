import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { AnswersWithSecret } from '../api/idempotency';
import { mapPage } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { CreateDestinationDto, CreatedDestinationView, DestinationPage, DestinationQuery, DestinationView, RotateSecretDto, UpdateDestinationDto } from './destinations.dto';
import { DestinationsService } from './destinations.service';

@ApiTags('destinations')
@ApiBearerAuth()
@Controller('v1/destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  private view = (d: Parameters<typeof DestinationView.of>[0]) => DestinationView.of(d, this.destinations.describe);

  @Post()
  @AnswersWithSecret() // a retry with the same Idempotency-Key gets 409 already_issued, never the secret again
  @ApiCreatedResponse({ type: CreatedDestinationView })
  async create(@Caller() c: Principal, @Body() dto: CreateDestinationDto): Promise<CreatedDestinationView> {
    const { destination, signingSecret } = await this.destinations.create(c, dto);
    return { ...this.view(destination), signingSecret };
  }

  @Get()
  @ApiOkResponse({ type: DestinationPage })
  async list(@Caller() c: Principal, @Query() q: DestinationQuery): Promise<DestinationPage> {
    return mapPage(await this.destinations.list(c.organizationId, q), this.view);
  }

  @Get(':id')
  @ApiOkResponse({ type: DestinationView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DestinationView> {
    return this.view(await this.destinations.get(c.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: DestinationView })
  async update(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDestinationDto): Promise<DestinationView> {
    return this.view(await this.destinations.update(c, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'its past deliveries stay in the log' })
  remove(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.destinations.remove(c.organizationId, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: DestinationView })
  async enable(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DestinationView> {
    return this.view(await this.destinations.setEnabled(c.organizationId, id, true));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOkResponse({ type: DestinationView })
  async disable(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DestinationView> {
    return this.view(await this.destinations.setEnabled(c.organizationId, id, false));
  }

  @Post(':id/rotate-secret')
  @AnswersWithSecret()
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret, returned once; the previous one keeps signing alongside for the overlap' })
  @ApiOkResponse({ type: CreatedDestinationView })
  async rotate(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RotateSecretDto): Promise<CreatedDestinationView> {
    const { destination, signingSecret } = await this.destinations.rotateSecret(c, id, dto);
    return { ...this.view(destination), signingSecret };
  }
}
