import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import type { BrandValues } from './brand-values';
import { TemplateCompileError, TemplateRenderError } from './template-errors';
import { ChannelSource, ChannelTemplateKind, TemplateKind, TemplateLimits, TemplatePart, TemplateSource } from './template-kinds';
import type { RenderedChannelText } from './channel-renderer';
import type { PrecompiledTemplate, RenderedEmail } from './template-renderer';
import type { ValidationResult } from './template-validator';
import type { ChannelPreviewOutcome, PreviewOutcome, TaskOutcome, TaskProgress, TaskResults, TemplateTask } from './template-worker';

// From dist/ the worker is the compiled template-worker.js beside this file. From the TypeScript sources (jest, and
// child processes started with test/support/swc-register.js) it is the .ts, compiled in the worker by the same hook.
const FROM_SOURCES = __filename.endsWith('.ts');
const WORKER_FILE = join(__dirname, FROM_SOURCES ? 'template-worker.ts' : 'template-worker.js');
const WORKER_ARGV = FROM_SOURCES ? ['--require', resolve(__dirname, '../../test/support/swc-register.js')] : [];

// A pool of worker threads (piscina) that validates, compiles and renders operator-supplied templates, so that a
// template that takes seconds (an inline mj-style over thousands of elements, loops that multiply) holds one worker,
// never the event loop. Each task has a hard time limit from the moment a worker starts it: past it the worker is
// terminated (piscina replaces it, and the new one loads mjml once, off the event loop) and the caller gets a 422
// template_timeout naming the part. Started on first use: a replica that never compiles starts no threads.
@Injectable()
export class TemplateWorkers implements OnModuleDestroy {
  private readonly logger = new Logger('TemplateWorkers');
  private pool: Piscina | null = null;

  constructor(private readonly config: AppConfig) {}

  validate(kind: TemplateKind, source: TemplateSource, limits: TemplateLimits): Promise<ValidationResult> {
    return this.run({ op: 'validate', kind, source, limits });
  }

  preview(kind: TemplateKind, source: TemplateSource, brand: BrandValues, data: object, cacheKey: string): Promise<PreviewOutcome> {
    return this.run({ op: 'preview', kind, source, brand, data, cacheKey });
  }

  render(source: TemplateSource, brand: BrandValues, data: object, cacheKey: string): Promise<RenderedEmail> {
    return this.run({ op: 'render', source, brand, data, cacheKey });
  }

  // A template compiled for every locale, as data for TemplateRenderer.fromPrecompiled().
  precompile(source: TemplateSource, brand: BrandValues): Promise<PrecompiledTemplate> {
    return this.run({ op: 'precompile', source, brand });
  }

  // The strings of a JSON value (a rule action's params) rendered as plain-text Handlebars over data.
  renderValues(values: unknown, data: object): Promise<unknown> {
    return this.run({ op: 'values', values, data });
  }

  validateChannel(kind: ChannelTemplateKind, source: ChannelSource): Promise<ValidationResult> {
    return this.run({ op: 'validateChannel', kind, source });
  }

  // Validates the whole source (its byKind overrides too), renders what a destination of destinationKind would get.
  previewChannel(kind: ChannelTemplateKind, source: ChannelSource, brand: BrandValues, data: object, cacheKey: string, destinationKind: string | null = null): Promise<ChannelPreviewOutcome> {
    return this.run({ op: 'previewChannel', kind, source, brand, data, cacheKey, destinationKind });
  }

  // One channel message, rendered in a worker thread: a round trip per message, which is cheap next to the message's
  // own HTTP call, and keeps every operator-written channel template off the event loop.
  renderChannel(source: ChannelSource, brand: BrandValues, data: object, cacheKey: string): Promise<RenderedChannelText> {
    return this.run({ op: 'renderChannel', source, brand, data, cacheKey });
  }

  async onModuleDestroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }

  private async run<T extends TemplateTask>(task: T): Promise<TaskResults[T['op']]> {
    const { taskTimeoutMs, queueLimit } = this.config.templates;
    const pool = this.start();
    if (pool.queueSize >= queueLimit) throw busy(queueLimit);
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let part: TemplatePart = 'mjml';
    let timer: NodeJS.Timeout | undefined;
    port1.on('message', (m: TaskProgress) => {
      if ('started' in m) timer = setTimeout(() => abort.abort(), taskTimeoutMs);
      else part = m.part;
    });
    try {
      const outcome: TaskOutcome = await pool.run({ task, port: port2 }, { transferList: [port2], signal: abort.signal });
      if (outcome.ok) return outcome.value as TaskResults[T['op']];
      if (outcome.error === 'compile') throw new TemplateCompileError(outcome.reason, outcome.message, outcome.part);
      throw new TemplateRenderError(outcome.reason, outcome.message, outcome.part);
    } catch (e) {
      if (abort.signal.aborted) {
        this.logger.warn(`a template ${task.op} task ran past ${taskTimeoutMs} ms in the ${part} part; its worker thread was terminated`);
        throw new TemplateRenderError('timeout', `the ${part} part was stopped after ${taskTimeoutMs.toLocaleString('en-US')} ms: ` +
          'compiling and rendering it takes too long. Inline styles (mj-style inline="inline") over many elements and nested loops are the usual causes.', part);
      }
      if (e instanceof Error && /queue is at limit/i.test(e.message)) throw busy(queueLimit);
      throw e;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  private start(): Piscina {
    if (this.pool) return this.pool;
    const threads = this.config.templates.workerThreads;
    this.pool = new Piscina({
      filename: WORKER_FILE,
      execArgv: WORKER_ARGV,
      minThreads: threads,
      maxThreads: threads,
      maxQueue: this.config.templates.queueLimit,
      // a terminated worker is replaced at once; idle ones stay, with mjml loaded
      idleTimeout: 2 ** 31 - 1,
      // below the event loop's priority (on Linux nice is per thread): busy workers never slow the API and the jobs
      niceIncrement: 10,
    });
    return this.pool;
  }
}

const busy = (limit: number) =>
  new DomainError('templates_busy', `${limit.toLocaleString('en-US')} template tasks are already waiting for a worker thread; try again shortly`, 503);
