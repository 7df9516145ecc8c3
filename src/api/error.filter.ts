import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../errors/domain-error';

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

// The one place where errors become HTTP responses.
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toResponse(err);
    if (status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    if (!res.headersSent) res.status(status).json(body);
  }

  private toResponse(err: unknown): [number, ErrorBody] {
    if (err instanceof DomainError) {
      return [err.status, { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }];
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const response = err.getResponse();
      const code = status === 404 ? 'not_found' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : `http_${status}`;
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? err.message);
      return [status, { code, message }];
    }
    return [500, { code: 'internal_error', message: 'internal error; see the service log for this request id' }];
  }
}
