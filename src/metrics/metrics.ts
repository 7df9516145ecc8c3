import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

// Prometheus metrics of this process. One registry per instance so tests can boot several apps in one process.
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'hostdigest_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly jobsTotal = new Counter({
    name: 'hostdigest_jobs_total',
    help: 'Job runs by name and result: done, skipped, retry (failed, tried again later), failed (given up)',
    labelNames: ['job', 'result'],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'hostdigest_job_duration_seconds',
    help: 'Job handler duration',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly eventsIngested = new Counter({
    name: 'hostdigest_events_ingested_total',
    help: 'Events stored, by source (vendor kind or push)',
    labelNames: ['source'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hostdigest_' });
  }
}
