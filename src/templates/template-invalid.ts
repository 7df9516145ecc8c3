import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { TemplateCompileError } from './template-errors';
import { ALL_PARTS, TemplatePart } from './template-kinds';
import type { Issue } from './template-validator';

// A template the validator refused: 422 with every issue, so that the editor can mark each line.
export class TemplateInvalidError extends DomainError {
  constructor(
    readonly errors: Issue[],
    readonly warnings: Issue[],
  ) {
    const first = errors[0];
    super('template_invalid', `${first.part} line ${first.line}, column ${first.column}: ${first.message}`, 422, first.part);
  }

  // A compile failure the validator did not foresee still answers in the editor's shape.
  static fromCompile(e: TemplateCompileError, warnings: Issue[] = []): TemplateInvalidError {
    const part: TemplatePart = e.part && ALL_PARTS.includes(e.part) ? e.part : 'mjml';
    const line = Number(/line (\d+)/.exec(e.message)?.[1] ?? 1);
    return new TemplateInvalidError([{ part, line, column: 1, message: e.message }], warnings);
  }
}

// The shared error filter writes {code, message, field}; this one adds the issue lists for these controllers.
@Catch(TemplateInvalidError)
export class TemplateInvalidFilter implements ExceptionFilter {
  catch(err: TemplateInvalidError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply>();
    if (res.sent) return;
    void res.status(422).type('application/json; charset=utf-8').send({ code: err.code, message: err.message, field: err.field, errors: err.errors, warnings: err.warnings });
  }
}
