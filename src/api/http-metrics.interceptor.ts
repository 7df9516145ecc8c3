import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { Metrics } from '../metrics/metrics';

// Request durations by route pattern (not by raw URL, which would explode the label set with ids).
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const route = (req.route?.path as string | undefined) ?? 'unknown';
    const end = this.metrics.httpDuration.startTimer({ method: req.method, route });
    res.once('finish', () => end({ status: String(res.statusCode) }));
    return next.handle().pipe(tap({ error: () => undefined }));
  }
}
