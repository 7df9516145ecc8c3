import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, raw, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { MAX_LOGO_BYTES } from './logo-image';

// PUT /v1/brands/:id/logo takes the image itself as the body. The app-wide parsers take JSON and text only, so this
// route alone reads raw bytes, with the logo's own limit rather than BODY_LIMIT.
const parse = raw({ type: () => true, limit: MAX_LOGO_BYTES });

@Injectable()
export class LogoBodyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if ((err as { type?: string }).type === 'entity.too.large') {
        return next(new DomainError('logo_too_large', `the logo is larger than the limit of ${MAX_LOGO_BYTES / 1024} KB: scale it down (it is shown at most 300 px wide)`, 413, 'body'));
      }
      return next(err);
    });
  }
}
