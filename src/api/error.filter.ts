import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { tooLargeError } from './body-parsers';

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

// The one place where errors become HTTP responses.
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  constructor(private readonly config: AppConfig) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<FastifyReply>();
    // Fastify refuses an oversized body before Nest sees the request; Nest hands that on as an HttpException(413).
    if (err instanceof HttpException && err.getStatus() === 413) err = tooLargeError(http.getRequest<FastifyRequest>(), this.config.http.bodyLimit);
    const [status, body] = this.toResponse(err);
    if (status >= 500) {
      // with the request's own logger, so that the line has the request id the response tells the caller to look for
      const log = http.getRequest<FastifyRequest | undefined>()?.log;
      if (log) log.error({ err, context: 'Http' }, err instanceof Error ? err.message : String(err));
      else this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
    // the type too: a handler may have set its own (@Header) before it threw
    if (!res.sent) void res.status(status).type('application/json; charset=utf-8').send(body);
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
