import { RenderDeadlineError, RenderFn } from './handlebars-sandbox';
import { TemplateRenderError } from './template-errors';
import type { TemplatePart } from './template-kinds';

// One compiled part of a template (an e-mail's subject or body, a channel message's title or body) run over its data,
// with the failures an operator-written template can have named after the part: too slow, thrown, or too large.
export function renderPart(fn: RenderFn, context: object, part: TemplatePart, limitMs: number, outputBytes: number): string {
  let out: string;
  try {
    out = fn(context);
  } catch (e) {
    if (e instanceof RenderDeadlineError) throw new TemplateRenderError('too_slow', `${part}: render took longer than the limit of ${limitMs} ms`, part);
    throw new TemplateRenderError('render_failed', `${part}: ${(e as Error)?.message ?? String(e)}`, part);
  }
  // length is a lower bound of the UTF-8 size and 3× an upper bound: count bytes only when it matters.
  if (out.length * 3 > outputBytes && Buffer.byteLength(out, 'utf8') > outputBytes) {
    throw new TemplateRenderError('output_too_large', `${part} output exceeds ${outputBytes} bytes`, part);
  }
  return out;
}
