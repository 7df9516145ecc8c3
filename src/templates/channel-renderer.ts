import { brandForLocale, BrandTemplateValues, BrandValues, LocalizedBrandTexts, resolveBrand } from './brand-values';
import { defaultLocaleCatalog } from './default-templates';
import { HandlebarsSandbox, RenderFn, withDeadline } from './handlebars-sandbox';
import { catalogLocale, LocaleCatalog } from './locale-catalog';
import { LruCache } from './lru-cache';
import { renderPart } from './render-part';
import { CHANNEL_PARTS, CHANNEL_SOURCE_BYTES, ChannelPart, ChannelSource } from './channel-template-kinds';
import { TemplateCompileError, TemplateRenderError } from './template-errors';
import { DEFAULT_LIMITS, TemplateLimits } from './template-kinds';

// What a channel template renders to: plain text, unescaped. The channel adapter escapes it for its format, cuts it
// to its limits, keeps the link only when it is an http(s) URL and maps the severity onto its own scale.
export interface RenderedChannelText {
  title: string;
  body: string;
  link: string;
  severity: string;
}

interface CompiledChannel {
  brand: BrandTemplateValues;
  brandTexts?: LocalizedBrandTexts;
  localized(locale: string): Record<ChannelPart, RenderFn>;
}

// Compiles a channel template once per (template version, brand version) and locale, renders per message. Runs in
// the template worker threads only (template-worker.ts): what operators write never runs on the event loop.
export class ChannelRenderer {
  private readonly sandbox: HandlebarsSandbox;
  private readonly cache: LruCache<string, CompiledChannel>;

  constructor(
    private readonly limits: TemplateLimits = DEFAULT_LIMITS,
    private readonly catalog: LocaleCatalog = defaultLocaleCatalog(),
  ) {
    this.sandbox = new HandlebarsSandbox(catalog);
    this.cache = new LruCache(limits.cacheEntries);
  }

  compile(source: ChannelSource, brand: BrandValues, cacheKey: string): CompiledChannel {
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    for (const part of CHANNEL_PARTS) {
      if (typeof source[part] !== 'string') throw new TemplateCompileError('syntax', `${part} is missing`, part);
      const bytes = Buffer.byteLength(source[part], 'utf8');
      if (bytes > CHANNEL_SOURCE_BYTES) throw new TemplateCompileError('too_large', `${part} is ${bytes} bytes; the limit is ${CHANNEL_SOURCE_BYTES} bytes`, part);
    }
    const byLocale = new Map<string, Record<ChannelPart, RenderFn>>();
    const localized = (locale: string) => {
      let fns = byLocale.get(locale);
      if (!fns) {
        // escape=false: plain text; the adapter escapes for its channel (channel-format.ts)
        fns = Object.fromEntries(CHANNEL_PARTS.map((p) => [p, this.sandbox.compile(source[p], p, false, locale)])) as Record<ChannelPart, RenderFn>;
        byLocale.set(locale, fns);
      }
      return fns;
    };
    localized('en'); // every compile error shows now, not at the first message
    const compiled: CompiledChannel = { brand: resolveBrand(brand), brandTexts: brand.localized, localized };
    this.cache.set(cacheKey, compiled);
    return compiled;
  }

  render(compiled: CompiledChannel, data: object, limitMs = this.limits.renderMs): RenderedChannelText {
    const locale = (data as { locale?: unknown }).locale;
    const context = { ...data, brand: brandForLocale(compiled.brand, compiled.brandTexts, locale) };
    const fns = compiled.localized(catalogLocale(this.catalog, locale));
    const started = performance.now();
    const out = withDeadline(limitMs, () => ({
      title: singleLine(this.run(fns.title, context, 'title', limitMs)),
      body: tidyText(this.run(fns.body, context, 'body', limitMs)),
      link: this.run(fns.link, context, 'link', limitMs).trim(),
      severity: this.run(fns.severity, context, 'severity', limitMs).trim().toLowerCase(),
    }));
    const elapsed = performance.now() - started;
    if (elapsed > limitMs) throw new TemplateRenderError('too_slow', `render took ${Math.round(elapsed)} ms, the limit is ${limitMs} ms`);
    return out;
  }

  private run(fn: RenderFn, context: object, part: ChannelPart, limitMs: number): string {
    return renderPart(fn, context, part, limitMs, this.limits.outputBytes);
  }

}

const singleLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

// Block tags on their own lines leave blank runs behind; a chat message has no use for leading or trailing space.
const tidyText = (s: string) => s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
