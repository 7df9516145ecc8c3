import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Caller } from '../api/auth.decorators';
import { mapPage } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { BrandPage, BrandQuery, BrandView, CreateBrandDto, UpdateBrandDto } from './brands.dto';
import { BrandsService } from './brands.service';
import { LOGO_BODY } from './logo-body';
import { LOGO_TYPES, MAX_LOGO_BYTES } from './logo-image';

@ApiTags('brands')
@ApiBearerAuth()
@Controller('v1/brands')
export class BrandsController {
  constructor(private readonly brands: BrandsService) {}

  @Get()
  @ApiOkResponse({ type: BrandPage, description: 'the default brand is created on first use and always listed' })
  async list(@Caller() caller: Principal, @Query() q: BrandQuery): Promise<BrandPage> {
    return mapPage(await this.brands.list(caller.organizationId, q), BrandView.of);
  }

  @Post()
  @ApiCreatedResponse({ type: BrandView })
  async create(@Caller() caller: Principal, @Body() dto: CreateBrandDto): Promise<BrandView> {
    return BrandView.of(await this.brands.create(caller.organizationId, dto, caller.scopes));
  }

  @Get(':id')
  @ApiOkResponse({ type: BrandView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BrandView> {
    return BrandView.of(await this.brands.get(caller.organizationId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: BrandView })
  async update(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateBrandDto): Promise<BrandView> {
    return BrandView.of(await this.brands.update(caller.organizationId, id, dto, caller.scopes));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted with its templates and logo' })
  @ApiResponse({ status: 409, description: 'brand_is_default, or brand_in_use: customers belong to it' })
  async remove(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.brands.remove(caller.organizationId, id);
  }

  @Put(':id/logo')
  @RouteConfig(LOGO_BODY)
  @ApiConsumes(...LOGO_TYPES)
  @ApiBody({ description: `The image file as the raw body (at most ${MAX_LOGO_BYTES / 1024} KB)`, schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: BrandView, description: 'logoUrl now points at the uploaded image, served at /brand-assets/:id/logo' })
  @ApiResponse({ status: 413, description: 'logo_too_large' })
  @ApiResponse({ status: 415, description: 'unsupported_logo_type: not PNG, JPEG, GIF or WebP, or the bytes do not match Content-Type' })
  async uploadLogo(
    @Caller() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() req: FastifyRequest,
  ): Promise<BrandView> {
    return BrandView.of(await this.brands.setLogo(caller.organizationId, id, contentType, req.body));
  }
}
