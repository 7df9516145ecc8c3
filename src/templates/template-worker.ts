import type { MessagePort } from 'node:worker_threads';
import type { BrandValues } from './brand-values';
import { loadMjml } from './mjml-compiler';
import { TemplateCompileError, TemplateRenderError } from './template-errors';
import { channelSourceFor } from './channel-template-kinds';
import { ChannelSource, ChannelTemplateKind, DEFAULT_LIMITS, TemplateKind, TemplateLimits, TemplatePart, TemplateSource } from './template-kinds';
import { PrecompiledTemplate, RenderedEmail, TemplateRenderer } from './template-renderer';
import { Issue, validateTemplate, ValidationResult } from './template-validator';
import { ChannelRenderer, RenderedChannelText } from './channel-renderer';
import { validateChannelTemplate } from './channel-template-validator';

// The entry of a template worker thread (run by piscina from template-workers.ts): every compile and render of
// operator-supplied sources runs here, away from the event loop that serves the API and the jobs. Only the main
// thread's TemplateWorkers imports this file's types; loading it loads mjml.

export type TemplateTask =
  | { op: 'validate'; kind: TemplateKind; source: TemplateSource; limits: TemplateLimits }
  // validate, then compile and render: the editor's preview
  | { op: 'preview'; kind: TemplateKind; source: TemplateSource; brand: BrandValues; data: object; cacheKey: string }
  | { op: 'render'; source: TemplateSource; brand: BrandValues; data: object; cacheKey: string }
  // a published template, compiled to data (every locale): the main thread then only runs it per email
  | { op: 'precompile'; source: TemplateSource; brand: BrandValues }
  // the strings of a JSON value (a rule action's params) rendered as plain text
  | { op: 'values'; values: unknown; data: object }
  // channel kinds: four plain-text parts, no MJML
  | { op: 'validateChannel'; kind: ChannelTemplateKind; source: ChannelSource }
  | { op: 'previewChannel'; kind: ChannelTemplateKind; source: ChannelSource; brand: BrandValues; data: object; cacheKey: string; destinationKind: string | null }
  | { op: 'renderChannel'; source: ChannelSource; brand: BrandValues; data: object; cacheKey: string };

export type PreviewOutcome = { invalid: ValidationResult } | { email: RenderedEmail; warnings: Issue[] };
export type ChannelPreviewOutcome = { invalid: ValidationResult } | { text: RenderedChannelText; warnings: Issue[] };

export interface TaskResults {
  validate: ValidationResult;
  preview: PreviewOutcome;
  render: RenderedEmail;
  precompile: PrecompiledTemplate;
  values: unknown;
  validateChannel: ValidationResult;
  previewChannel: ChannelPreviewOutcome;
  renderChannel: RenderedChannelText;
}

// Errors cross the thread as data (structured clone drops their classes); TemplateWorkers rebuilds them.
export type TaskFailure =
  | { error: 'compile'; reason: TemplateCompileError['reason']; message: string; part?: TemplatePart }
  | { error: 'render'; reason: TemplateRenderError['reason']; message: string; part?: TemplatePart };

export type TaskOutcome = { ok: true; value: unknown } | ({ ok: false } & TaskFailure);

// What the worker tells the main thread while a task runs: that it started (its time limit starts then, not while it
// waited in the queue) and the part it is working on (to name it if the task is stopped).
export type TaskProgress = { started: true } | { part: TemplatePart };

loadMjml(); // ~330 ms, once per worker thread, before it takes its first task

let port: MessagePort | null = null;
const tell = (message: TaskProgress) => port?.postMessage(message);
// Keyed by content (previews) or by (template version, brand version): the editor's next keystroke with the same
// source and other data, or the next email of a template that renders slowly, compiles nothing.
const renderer = new TemplateRenderer({ limits: { cacheEntries: 50 }, progress: (part) => tell({ part }) });
// Channel messages render here one by one (they are short): keyed by (template version, brand version), or content.
const channels = new ChannelRenderer({ ...DEFAULT_LIMITS, cacheEntries: 200 });

export default function runTemplateTask({ task, port: reply }: { task: TemplateTask; port: MessagePort }): TaskOutcome {
  port = reply;
  tell({ started: true });
  try {
    return { ok: true, value: perform(task) };
  } catch (e) {
    if (e instanceof TemplateCompileError) return { ok: false, error: 'compile', reason: e.reason, message: e.message, part: e.part };
    if (e instanceof TemplateRenderError) return { ok: false, error: 'render', reason: e.reason, message: e.message, part: e.part };
    throw e;
  } finally {
    port = null;
    reply.close();
  }
}

function perform(task: TemplateTask): TaskResults[TemplateTask['op']] {
  switch (task.op) {
    case 'validate':
      return validateTemplate(task.kind, task.source, task.limits, (part) => tell({ part }));
    case 'preview': {
      const result = validateTemplate(task.kind, task.source, DEFAULT_LIMITS, (part) => tell({ part }));
      if (result.errors.length) return { invalid: result };
      return { email: renderer.render(renderer.compile(task.source, task.brand, task.cacheKey), task.data), warnings: result.warnings };
    }
    case 'render':
      return renderer.render(renderer.compile(task.source, task.brand, task.cacheKey), task.data);
    case 'precompile':
      return renderer.precompile(task.source, task.brand);
    case 'values':
      return renderer.renderValues(task.values, task.data);
    case 'validateChannel':
      return validateChannelTemplate(task.kind, task.source, (part) => tell({ part }));
    case 'previewChannel': {
      const result = validateChannelTemplate(task.kind, task.source, (part) => tell({ part }));
      if (result.errors.length) return { invalid: result };
      return { text: channels.render(channels.compile(channelSourceFor(task.source, task.destinationKind), task.brand, task.cacheKey), task.data), warnings: result.warnings };
    }
    case 'renderChannel':
      return channels.render(channels.compile(task.source, task.brand, task.cacheKey), task.data);
  }
}
