import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { mapPage, PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { TemplateAuthors } from './template-authors';
import { TemplateInvalidFilter } from './template-invalid';
import { TemplatePreviewService } from './template-preview.service';
import { templateSummary, templateView, versionSummary, versionView } from './template-views';
import {
  ChannelPreviewView, CreateTemplateDto, PreviewDto, PreviewView, PublishDto, SavedVersionView, SaveVersionDto, TemplateInvalidView, TemplatePage, TemplateQuery,
  TemplateView, TestSendDto, TestSendView, VersionPage, VersionView,
} from './templates.dto';
import { TemplatesService } from './templates.service';

const INVALID = { status: 422, type: TemplateInvalidView, description: 'template_invalid: errors with part, line and column' };

@ApiTags('templates')
@ApiBearerAuth()
@UseFilters(TemplateInvalidFilter)
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
    private readonly authors: TemplateAuthors,
  ) {}

  @Get()
  @ApiOkResponse({ type: TemplatePage, description: "the brands' overrides; a kind without one sends the shipped default" })
  async list(@Caller() caller: Principal, @Query() q: TemplateQuery): Promise<TemplatePage> {
    return mapPage(await this.templates.list(caller.organizationId, q), templateSummary);
  }

  @Post()
  @ApiCreatedResponse({ type: TemplateView, description: 'version 1 is a copy of the shipped default, published' })
  @ApiResponse({ status: 409, description: 'template_exists: the brand already overrides this kind' })
  async create(@Caller() caller: Principal, @Body() dto: CreateTemplateDto): Promise<TemplateView> {
    const template = await this.templates.create(caller.organizationId, dto, await this.authors.of(caller));
    const { published } = await this.templates.withPublished(caller.organizationId, template.id);
    return templateView(template, published);
  }

  @Get(':id')
  @ApiOkResponse({ type: TemplateView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<TemplateView> {
    const { template, published } = await this.templates.withPublished(caller.organizationId, id);
    return templateView(template, published);
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: VersionPage, description: 'newest first, without bodies' })
  async versions(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery): Promise<VersionPage> {
    const { template, page } = await this.templates.versions(caller.organizationId, id, q);
    return mapPage(page, (v) => versionSummary(template, v));
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ type: VersionView })
  async version(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('version', ParseIntPipe) version: number): Promise<VersionView> {
    const template = await this.templates.get(caller.organizationId, id);
    return versionView(template, await this.templates.version(caller.organizationId, id, version));
  }

  @Post(':id/versions')
  @ApiCreatedResponse({ type: SavedVersionView })
  @ApiResponse(INVALID)
  async save(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveVersionDto): Promise<SavedVersionView> {
    return this.templates.save(caller.organizationId, id, dto, await this.authors.of(caller));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplateView, description: 'that version goes out from now on (a rollback when it is an earlier one)' })
  async publish(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PublishDto): Promise<TemplateView> {
    const { template, published } = await this.templates.publish(caller.organizationId, id, dto.version, await this.authors.of(caller));
    return templateView(template, published);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiExtraModels(PreviewView, ChannelPreviewView)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(PreviewView) }, { $ref: getSchemaPath(ChannelPreviewView) }] }, description: 'e-mail kinds: PreviewView; channel kinds: ChannelPreviewView' })
  @ApiResponse(INVALID)
  preview(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PreviewDto): Promise<PreviewView | ChannelPreviewView> {
    return this.previews.preview(caller.organizationId, id, dto);
  }

  @Post(':id/test-send')
  @HttpCode(202)
  @ApiResponse({ status: 202, type: TestSendView, description: 'sent with sample data from the brand’s sender' })
  testSend(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: TestSendDto): Promise<TestSendView> {
    return this.previews.testSend(caller.organizationId, id, dto);
  }
}
