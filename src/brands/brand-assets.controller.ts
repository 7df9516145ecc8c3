import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../api/auth.decorators';
import { BrandsService } from './brands.service';
import { LOGO_TYPES } from './logo-image';

// Logos are fetched by mail clients and image proxies, without a key. The URL carries ?v=<brand version>, so a new
// upload is a new URL; the ETag covers clients that drop the query.
@ApiTags('brands')
@Controller('brand-assets')
export class BrandAssetsController {
  constructor(private readonly brands: BrandsService) {}

  @Get(':brandId/logo')
  @Public()
  @ApiProduces(...LOGO_TYPES)
  @ApiOkResponse({ description: 'the uploaded logo', schema: { type: 'string', format: 'binary' } })
  async logo(@Param('brandId', ParseUUIDPipe) brandId: string, @Res() res: FastifyReply): Promise<void> {
    const logo = await this.brands.logo(brandId);
    void res.headers({
      'Content-Type': logo.contentType,
      'Cache-Control': 'public, max-age=86400',
      ETag: `"${logo.sha256}"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    void res.send(logo.data);
  }
}
