import { Injectable, Optional } from '@nestjs/common';
import { bindBrand, brandForLocale, BrandTemplateValues, BrandValues, LocalizedBrandTexts, resolveBrand } from './brand-values';
import { defaultLocaleCatalog } from './default-templates';
import { HandlebarsSandbox, RenderFn, withDeadline } from './handlebars-sandbox';
import { catalogLocale, LocaleCatalog } from './locale-catalog';
import { LruCache } from './lru-cache';
import { renderPart } from './render-part';
import { lostStatements } from './survival-check';
import { compileMjml } from './mjml-compiler';
import { TemplateCompileError, TemplateRenderError } from './template-errors';
import { DEFAULT_LIMITS, TEMPLATE_PARTS, TemplateLimits, TemplatePart, TemplateSource } from './template-kinds';

export type { BrandValues, BrandTemplateValues } from './brand-values';
export { TemplateCompileError, TemplateRenderError } from './template-errors';

export interface CompiledParts {
  subject: RenderFn;
  html: RenderFn;
  text: RenderFn;
}

// A template version compiled for one brand version: per locale three Handlebars functions, nothing else runs per email.
export interface CompiledTemplate {
  readonly cacheKey: string;
  readonly brand: BrandTemplateValues;
  readonly brandTexts?: LocalizedBrandTexts; // the brand's footer and legal text per locale (brandForLocale)
  readonly compiledHtml: string; // MJML's output with the per-email placeholders still in it
  // The functions for a catalog locale (en, de, …), its static texts bound; compiled on first use.
  localized(locale: string): CompiledParts;
}

// A compiled template as data, to cross threads: the HTML, and per catalog locale the three parts as Handlebars'
// precompiled JavaScript source.
export interface PrecompiledTemplate {
  compiledHtml: string;
  locales: Record<string, Record<'subject' | 'html' | 'text', string>>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface RendererOptions {
  limits?: Partial<TemplateLimits>;
  catalog?: LocaleCatalog;
  progress?: (part: TemplatePart) => void; // the part being compiled or rendered (a worker reports it to name a timeout)
}

// Compile once per (template version, brand version), render per email.
//   1. brand pass: [[brand.x]] → the brand's value (escaped), so MJML sees real colours and widths;
//      every {{…}} stays as it is (see brand-values.ts)
//   2. mjml2html once: no file access (mj-include refused, no filePath), soft validation, no comments
//      and every Handlebars statement must come out of it intact (survival-check.ts)
//   3. Handlebars compiles the resulting HTML, the subject and the text, in a sandbox (handlebars-sandbox.ts), per
//      locale with the locale's fixed texts bound (static-text.ts)
// Rendering then runs the three Handlebars functions: no MJML, no disk, no network.
@Injectable()
export class TemplateRenderer {
  readonly limits: TemplateLimits;
  private readonly sandbox: HandlebarsSandbox;
  private readonly catalog: LocaleCatalog;
  private readonly cache: LruCache<string, CompiledTemplate>;
  private readonly progress?: (part: TemplatePart) => void;

  constructor(@Optional() options?: RendererOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options?.limits };
    this.progress = options?.progress;
    this.catalog = options?.catalog ?? defaultLocaleCatalog();
    this.sandbox = new HandlebarsSandbox(this.catalog);
    this.cache = new LruCache(this.limits.cacheEntries);
  }

  // cacheKey: the template version id and the brand version, e.g. `${templateVersionId}:${brandVersion}`.
  compile(source: TemplateSource, brand: BrandValues, cacheKey: string): CompiledTemplate {
    return this.cached(cacheKey) ?? this.fromHtml(source, brand, this.compileHtml(source, brand), cacheKey);
  }

  cached(cacheKey: string): CompiledTemplate | undefined {
    return this.cache.get(cacheKey);
  }

  // Steps 1 and 2: the MJML body as HTML with the per-email placeholders still in it. The slow and unbounded part
  // (mjml2html), which the service runs in a worker thread (template-workers.ts).
  compileHtml(source: TemplateSource, brand: BrandValues): string {
    this.checkSize(source);
    this.progress?.('mjml');
    this.sandbox.check(source.mjml, 'mjml'); // so that a syntax error is reported as such, before MJML runs
    const { html } = compileMjml(bindBrand(source.mjml, resolveBrand(brand)));
    const [lost] = lostStatements(source.mjml, html);
    if (lost) throw new TemplateCompileError('blocks_did_not_survive', `line ${lost.line}: ${lost.message}`, 'mjml');
    return html;
  }

  // Step 3 over what compileHtml produced: Handlebars only, linear in the size.
  private fromHtml(source: TemplateSource, brand: BrandValues, html: string, cacheKey: string): CompiledTemplate {
    this.checkSize(source);
    return this.cacheAs(cacheKey, brand, html, (locale) => ({
      html: this.compilePart(html, 'mjml', true, locale, true),
      subject: this.compilePart(source.subject, 'subject', false, locale),
      text: this.compilePart(source.text, 'text', false, locale),
    }));
  }

  // All of it for every catalog locale, as data: what a worker thread hands to the main thread, which then only
  // evaluates Handlebars' generated code (fromPrecompiled) and runs it per email.
  precompile(source: TemplateSource, brand: BrandValues): PrecompiledTemplate {
    const html = this.compileHtml(source, brand);
    const locales: PrecompiledTemplate['locales'] = {};
    for (const locale of this.catalog.keys()) {
      locales[locale] = {
        html: this.compilePart(html, 'mjml', true, locale, true, true),
        subject: this.compilePart(source.subject, 'subject', false, locale, false, true),
        text: this.compilePart(source.text, 'text', false, locale, false, true),
      };
    }
    return { compiledHtml: html, locales };
  }

  fromPrecompiled(pre: PrecompiledTemplate, brand: BrandValues, cacheKey: string): CompiledTemplate {
    return this.cacheAs(cacheKey, brand, pre.compiledHtml, (locale) => {
      const spec = pre.locales[locale] ?? pre.locales.en;
      return { html: this.sandbox.load(spec.html), subject: this.sandbox.load(spec.subject), text: this.sandbox.load(spec.text) };
    });
  }

  private cacheAs(cacheKey: string, brand: BrandValues, html: string, build: (locale: string) => CompiledParts): CompiledTemplate {
    const byLocale = new Map<string, CompiledParts>();
    const localized = (locale: string): CompiledParts => {
      let parts = byLocale.get(locale);
      if (!parts) byLocale.set(locale, (parts = build(locale)));
      return parts;
    };
    localized('en'); // every error shows now, not at the first email
    const compiled: CompiledTemplate = { cacheKey, brand: resolveBrand(brand), brandTexts: brand.localized, compiledHtml: html, localized };
    this.cache.set(cacheKey, compiled);
    return compiled;
  }

  // Throws TemplateRenderError (never anything else) when this one render cannot be completed, or takes longer
  // than limitMs (the renderMs limit unless the caller wants a shorter one).
  render(compiled: CompiledTemplate, data: object, limitMs = this.limits.renderMs): RenderedEmail {
    const context = { ...data, brand: brandForLocale(compiled.brand, compiled.brandTexts, (data as { locale?: unknown }).locale) };
    let parts: CompiledParts;
    try {
      parts = compiled.localized(catalogLocale(this.catalog, (data as { locale?: unknown }).locale));
    } catch (e) {
      throw new TemplateRenderError('render_failed', (e as Error).message);
    }
    const started = performance.now(); // the first email in a locale compiles its functions: not part of the limit
    // One deadline for the three parts together; each {{#each}} checks it (handlebars-sandbox.ts).
    const email = withDeadline(limitMs, () => ({
      subject: singleLine(this.run(parts.subject, context, 'subject', limitMs)),
      html: this.run(parts.html, context, 'mjml', limitMs),
      text: tidyText(this.run(parts.text, context, 'text', limitMs)),
    }));
    const elapsed = performance.now() - started;
    if (elapsed > limitMs) {
      throw new TemplateRenderError('too_slow', `render took ${Math.round(elapsed)} ms, the limit is ${limitMs} ms`);
    }
    return email;
  }

  // Every string of a JSON value (a rule action's params) rendered as plain text (no HTML escaping) over data, in the
  // same sandbox and time limit as a template; other values kept as they are. Small and per message: compiled each time.
  renderValues(values: unknown, data: object, limitMs = this.limits.renderMs): unknown {
    const each = (v: unknown): unknown => {
      if (typeof v === 'string') return v.includes('{{') ? this.run(this.sandbox.compile(v, 'text', false), data, 'text', limitMs) : v;
      if (Array.isArray(v)) return v.map(each);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, each(x)]));
      return v;
    };
    return withDeadline(limitMs, () => each(values));
  }

  // The slow path compile-once replaces: Handlebars over the brand-bound MJML, then mjml2html, on every email.
  // Kept as the reference the specs compare against and the baseline of bench/render.bench.ts.
  referenceRenderer(source: TemplateSource, brand: BrandValues): (data: object) => RenderedEmail {
    this.checkSize(source);
    const resolved = resolveBrand(brand);
    const mjml = this.compilePart(bindBrand(source.mjml, resolved), 'mjml', true);
    const subject = this.compilePart(source.subject, 'subject', false);
    const text = this.compilePart(source.text, 'text', false);
    return (data) => {
      const context = { ...data, brand: brandForLocale(resolved, brand.localized, (data as { locale?: unknown }).locale) };
      return {
        subject: singleLine(subject(context)),
        html: compileMjml(mjml(context)).html,
        text: tidyText(text(context)),
      };
    };
  }

  private checkSize(source: TemplateSource): void {
    for (const part of TEMPLATE_PARTS) {
      const value = source[part];
      if (typeof value !== 'string') throw new TemplateCompileError('syntax', `${part} is missing`, part);
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > this.limits.sourceBytes) {
        throw new TemplateCompileError('too_large', `${part} is ${bytes} bytes; the limit is ${this.limits.sourceBytes} bytes`, part);
      }
    }
  }

  private compilePart(source: string, part: TemplatePart, escape: boolean, locale?: string, afterMjml?: boolean): RenderFn;
  private compilePart(source: string, part: TemplatePart, escape: boolean, locale: string, afterMjml: boolean, asSource: true): string;
  private compilePart(source: string, part: TemplatePart, escape: boolean, locale?: string, afterMjml = false, asSource = false): RenderFn | string {
    this.progress?.(part);
    try {
      return asSource ? this.sandbox.precompile(source, part, escape, locale) : this.sandbox.compile(source, part, escape, locale);
    } catch (e) {
      if (afterMjml && e instanceof TemplateCompileError && e.reason === 'syntax') {
        // The source parsed, so MJML moved or dropped part of a block.
        throw new TemplateCompileError('blocks_did_not_survive', `Handlebars blocks did not survive the MJML compile: ${e.message}`, part);
      }
      throw e;
    }
  }

  private run(fn: RenderFn, context: object, part: TemplatePart, limitMs: number): string {
    this.progress?.(part);
    return renderPart(fn, context, part, limitMs, this.limits.outputBytes);
  }

}

const singleLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

// Block tags on their own lines leave blank runs behind in plain text.
const tidyText = (s: string) => s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
