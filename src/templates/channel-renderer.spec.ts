import { ChannelRenderer } from './channel-renderer';
import { channelSampleData } from './channel-sample-data';
import { validateChannelTemplate } from './channel-template-validator';
import { loadDefaultChannelTemplate } from './default-templates';
import { SAMPLE_BRAND } from './sample-data';
import { TemplateCompileError, TemplateRenderError } from './template-errors';
import { CHANNEL_TEMPLATE_KINDS, LOCALES } from './template-kinds';

describe('channel templates', () => {
  const renderer = new ChannelRenderer({ sourceBytes: 1024, outputBytes: 4096, renderMs: 200, cacheEntries: 10 });
  const parts = (over: Record<string, string> = {}) => ({ title: 't', body: 'b', link: '', severity: 'info', ...over });

  it.each(CHANNEL_TEMPLATE_KINDS)('%s: the shipped default validates clean and renders its sample in every locale', (kind) => {
    const source = loadDefaultChannelTemplate(kind);
    expect(validateChannelTemplate(kind, source)).toEqual({ errors: [], warnings: [] });
    const compiled = renderer.compile(source, SAMPLE_BRAND, `default:${kind}`);
    for (const locale of LOCALES) {
      const out = renderer.render(compiled, channelSampleData(kind, locale));
      expect(out.title).not.toMatch(/\n|^\s|\s$/);
      expect(out.title.length).toBeGreaterThan(5);
      expect(out.body.length).toBeGreaterThan(5);
      expect(out.body).not.toMatch(/channel\.|\{|\}/); // every text key found, nothing left unrendered
      expect(['critical', 'high', 'medium', 'low', 'info']).toContain(out.severity);
    }
  });

  it('renders plain text: nothing HTML-escaped (the channel escapes for itself)', () => {
    const compiled = renderer.compile(parts({ title: '{{x}}', body: '{{x}} & {{y}}' }), SAMPLE_BRAND, 'plain');
    expect(renderer.render(compiled, { x: '<b>"a" & \'b\'</b>', y: '@everyone' })).toMatchObject({ title: '<b>"a" & \'b\'</b>', body: '<b>"a" & \'b\'</b> & @everyone' });
  });

  it('keeps the title on one line and trims the body, link and severity', () => {
    const compiled = renderer.compile(parts({ title: 'a\n{{x}}\n', body: '\n\n{{x}}  \n\n\n\nend\n', link: ' https://x.example ', severity: ' HIGH\n' }), SAMPLE_BRAND, 'shape');
    expect(renderer.render(compiled, { x: 'v' })).toEqual({ title: 'a v', body: 'v\n\nend', link: 'https://x.example', severity: 'high' });
  });

  it('refuses partials, unknown helpers and oversized parts at compile time, naming the part', () => {
    expect(() => renderer.compile(parts({ body: '{{> evil}}' }), SAMPLE_BRAND, 'p1')).toThrow(TemplateCompileError);
    try {
      renderer.compile(parts({ link: '{{exec "x"}}' }), SAMPLE_BRAND, 'p2');
      throw new Error('compiled');
    } catch (e) {
      expect(e).toMatchObject({ part: 'link', reason: 'unknown_helper' });
    }
    expect(() => renderer.compile(parts({ body: 'x'.repeat(17 * 1024) }), SAMPLE_BRAND, 'p3')).toThrow(/body is 17408 bytes/);
  });

  it('stops a render that multiplies past its time limit, and one whose output is too large', () => {
    const loops = renderer.compile(parts({ body: '{{#each a}}{{#each ../a}}{{#each ../../a}}{{#each ../../../a}}{{#each ../../../../a}}x{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}' }), SAMPLE_BRAND, 'slow');
    expect(() => renderer.render(loops, { a: Array.from({ length: 60 }, (_, i) => i) })).toThrow(TemplateRenderError);
    const big = renderer.compile(parts({ body: '{{#each a}}{{../x}}{{/each}}' }), SAMPLE_BRAND, 'big');
    expect(() => renderer.render(big, { a: Array.from({ length: 100 }), x: 'y'.repeat(100) })).toThrow(/output exceeds 4096 bytes/);
  });

  it('reports a [[brand.*]] binding (e-mail MJML only) and an unclosed block with their place', () => {
    const r = validateChannelTemplate('channel.security_event', parts({ title: 'Hi [[brand.name]]', body: 'a\n{{#if where}}' }));
    expect(r.errors).toEqual([
      expect.objectContaining({ part: 'title', line: 1, column: 4, message: expect.stringContaining('{{brand.name}}') }),
      expect.objectContaining({ part: 'body', line: 2 }),
    ]);
  });
});
