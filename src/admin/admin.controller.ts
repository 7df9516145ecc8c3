import { Controller, Get, Headers, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../api/auth.decorators';
import { NotFoundError } from '../errors/domain-error';
import { AdminAssets } from './admin-assets';

// Scripts only from files of this origin. Styles may be inline because the preview iframe (srcdoc) inherits this
// policy and email HTML is styled inline; the iframe's empty sandbox still keeps every script in it from running.
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// The web editor: a static page and its files. They hold no data (every data call sends the API key), hence public.
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminController {
  constructor(private readonly assets: AdminAssets) {}

  @Get()
  page(@Headers('if-none-match') etag: string | undefined, @Res({ passthrough: true }) res: FastifyReply): StreamableFile | undefined {
    res.header('Content-Security-Policy', ADMIN_CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Referrer-Policy', 'no-referrer');
    return this.send('index.html', etag, res);
  }

  @Get(':file')
  file(@Param('file') file: string, @Headers('if-none-match') etag: string | undefined, @Res({ passthrough: true }) res: FastifyReply): StreamableFile | undefined {
    if (file === 'index.html') return this.page(etag, res);
    return this.send(file, etag, res);
  }

  private send(name: string, etag: string | undefined, res: FastifyReply): StreamableFile | undefined {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundError('admin file', name);
    res.header('X-Content-Type-Options', 'nosniff');
    // always revalidate (cheap with the ETag), so that a deploy is seen at the next reload
    res.header('Cache-Control', 'no-cache');
    res.header('ETag', asset.etag);
    if (etag === asset.etag) {
      res.status(304);
      return undefined;
    }
    return new StreamableFile(asset.body, { type: asset.type, length: asset.body.length });
  }
}
