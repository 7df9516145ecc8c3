import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller, RequireScope } from '../api/auth.decorators';
import { AnswersWithSecret } from '../api/idempotency';
import { mapPage, PageQuery } from '../api/pagination';
import { ApiKeyPage, ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto';
import { ApiKeysService, Principal } from './api-keys.service';

@ApiTags('api-keys')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: ApiKeyPage })
  async list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<ApiKeyPage> {
    return mapPage(await this.apiKeys.list(caller.organizationId, query), ApiKeyView.of);
  }

  @Post()
  @AnswersWithSecret()
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiConflictResponse({ description: 'A retry with the same Idempotency-Key: `already_issued` with the id of the key created by the first request (the key itself is not shown again)' })
  async create(@Caller() caller: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const { apiKey, key } = await this.apiKeys.create(caller.organizationId, dto.name, dto.scopes);
    return { ...ApiKeyView.of(apiKey), key };
  }

  @Post(':id/revoke')
  @ApiCreatedResponse({ type: ApiKeyView })
  async revoke(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.apiKeys.revoke(caller.organizationId, id));
  }
}
