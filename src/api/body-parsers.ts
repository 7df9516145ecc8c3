import { json, NextFunction, Request, RequestHandler, Response, text } from 'express';
import { DomainError } from '../errors/domain-error';

// JSON and CSV/text bodies with the configured size limit; parser failures become the API's error shape.
export function bodyParsers(limit: string): RequestHandler[] {
  return [json({ limit }), text({ type: ['text/csv', 'text/plain'], limit })].map(
    (parse) => (req: Request, res: Response, next: NextFunction) =>
      parse(req, res, (err?: unknown) => {
        if (!err) return next();
        const type = (err as { type?: string }).type;
        if (type === 'entity.too.large') return next(new DomainError('payload_too_large', `request body is larger than the limit of ${limit} (BODY_LIMIT)`, 413));
        if (type === 'entity.parse.failed') return next(new DomainError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`, 400, 'body'));
        if (type === 'charset.unsupported' || type === 'encoding.unsupported') return next(new DomainError('unsupported_encoding', (err as Error).message, 415));
        return next(err);
      }),
  );
}
