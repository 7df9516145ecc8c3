import { DomainError } from '../errors/domain-error';
import { TemplatePart } from './template-kinds';

export type CompileFailure =
  | 'too_large'
  | 'include_refused'
  | 'partial_refused'
  | 'unknown_helper'
  | 'syntax'
  | 'unknown_brand_value'
  | 'invalid_brand'
  | 'blocks_did_not_survive';

// A template (or a brand) that cannot be compiled: the caller saved something the validator should have refused.
export class TemplateCompileError extends DomainError {
  constructor(
    readonly reason: CompileFailure,
    message: string,
    readonly part?: TemplatePart,
  ) {
    super(reason === 'too_large' ? 'template_too_large' : 'template_invalid', message, reason === 'too_large' ? 413 : 422, part);
  }
}

// too_slow: a render stopped itself at its deadline; timeout: a worker thread was ended at the hard time limit.
export type RenderFailure = 'render_failed' | 'output_too_large' | 'too_slow' | 'timeout';

// One render failed (a helper threw, the output is too big, …); the caller logs the reason and goes on.
export class TemplateRenderError extends DomainError {
  constructor(
    readonly reason: RenderFailure,
    message: string,
    readonly part?: TemplatePart,
  ) {
    super(reason === 'timeout' ? 'template_timeout' : 'template_render_failed', message, 422, part);
  }
}
