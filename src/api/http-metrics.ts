import type { FastifyInstance } from 'fastify';
import { Metrics } from '../metrics/metrics';

// Request durations by route pattern (not by raw URL, which would explode the label set with ids). A Fastify hook:
// Fastify times the request itself, so this costs one histogram observation per request and no rxjs pipeline.
export function registerHttpMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
