import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
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
  page(@Res({ passthrough: true }) res: Response): StreamableFile {
    res.setHeader('Content-Security-Policy', ADMIN_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return this.send('index.html', res);
  }

  @Get(':file')
  file(@Param('file') file: string, @Res({ passthrough: true }) res: Response): StreamableFile {
    if (file === 'index.html') return this.page(res);
    return this.send(file, res);
  }

  private send(name: string, res: Response): StreamableFile {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundError('admin file', name);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // always revalidate, so that a deploy is seen at the next reload
    res.setHeader('Cache-Control', 'no-cache');
    return new StreamableFile(asset.body, { type: asset.type, length: asset.body.length });
  }
}
