import * as fs from 'node:fs';
import { loadDefaultTemplate } from './default-templates';
import { DIGEST_LIST_LIMITS, DigestTemplateData, sampleData, SAMPLE_BRAND } from './template-variables';
import { DIGEST_KINDS, LOCALES, EMAIL_TEMPLATE_KINDS as TEMPLATE_KINDS, TemplateSource } from './template-kinds';
import { TemplateCompileError, TemplateRenderer, TemplateRenderError } from './template-renderer';

const renderer = new TemplateRenderer();
// Both ways agree up to whitespace at line ends and blank lines: a block that renders nothing on a line of its own
// leaves that line empty in compile-once output, where MJML-per-email output has already lost it (compactLines).
const trailing = (s: string) => s.replace(/[ \t]+$/gm, '').replace(/\n{2,}/g, '\n');
const source = (mjml: string, subject = 'S', text = 'T'): TemplateSource => ({ subject, text, mjml });
const body = (content: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${content}</mj-text></mj-column></mj-section></mj-body></mjml>`;

// Edge cases of the data that change which branches render: the equivalence must hold for all of them.
function variants(data: DigestTemplateData): Array<[string, DigestTemplateData]> {
  return [
    ['sample', data],
    ['all clear, late', { ...data, period: { ...data.period, late: true }, status: { ...data.status, outstanding: 0, sitesUnprotected: 0, allClear: true } }],
    ['empty period', {
      ...data, sites: [], sitesMore: 0, topThreats: [], topThreatsMore: 0,
      totals: { ...data.totals, byKind: [], bySeverity: [] }, status: { ...data.status, empty: true },
    }],
    ['hostile values', {
      ...data,
      customer: { id: 'c', name: '<script>alert(1)</script> & "Sons" {{customer.id}}' },
      sites: data.sites.map((s) => ({ ...s, domain: `${s.domain}"><img src=x onerror=alert(1)>` })),
    }],
  ];
}

describe('TemplateRenderer: compile once, render with Handlebars only', () => {
  it('renders a template precompiled as data (as a worker thread hands it over) exactly as one compiled in place', () => {
    for (const kind of TEMPLATE_KINDS) {
      const src = loadDefaultTemplate(kind);
      const pre = JSON.parse(JSON.stringify(new TemplateRenderer().precompile(src, SAMPLE_BRAND)));
      expect(Object.keys(pre.locales).sort()).toEqual([...LOCALES].sort());
      const loaded = new TemplateRenderer().fromPrecompiled(pre, SAMPLE_BRAND, `${kind}:pre`);
      const compiled = renderer.compile(src, SAMPLE_BRAND, `${kind}:in-place`);
      for (const locale of LOCALES) {
        const data = { ...sampleData(kind, locale), locale };
        expect([kind, locale, renderer.render(loaded, data)]).toEqual([kind, locale, renderer.render(compiled, data)]);
      }
    }
  });

  for (const kind of DIGEST_KINDS) {
    for (const locale of LOCALES) {
      it(`renders ${kind} in ${locale} exactly as MJML on every email would`, () => {
        const src = loadDefaultTemplate(kind);
        const compiled = renderer.compile(src, SAMPLE_BRAND, `${kind}:default:brand-1`);
        const reference = renderer.referenceRenderer(src, SAMPLE_BRAND);
        const noLogo = { ...SAMPLE_BRAND, logoUrl: null, legalText: '' };
        const compiledNoLogo = renderer.compile(src, noLogo, `${kind}:default:brand-2`);
        const referenceNoLogo = renderer.referenceRenderer(src, noLogo);
        for (const [, data] of variants(sampleData(kind, locale))) {
          for (const [c, r] of [[compiled, reference], [compiledNoLogo, referenceNoLogo]] as const) {
            const once = renderer.render(c, data);
            const naive = r(data);
            expect(trailing(once.html)).toBe(trailing(naive.html));
            expect(once.subject).toBe(naive.subject);
            expect(once.text).toBe(naive.text);
          }
        }
      });
    }
  }

  for (const locale of LOCALES) {
    it(`renders ticket.malware in ${locale} the same both ways`, () => {
      const src = loadDefaultTemplate('ticket.malware');
      const data = sampleData('ticket.malware', locale);
      const once = renderer.render(renderer.compile(src, SAMPLE_BRAND, 'ticket:1'), data);
      expect(trailing(once.html)).toBe(trailing(renderer.referenceRenderer(src, SAMPLE_BRAND)(data).html));
      expect(once.text).toContain(data.site.domain);
    });
  }

  it('shows what the digest promises: totals, trend, sites by risk, "and N more", top threats, links', () => {
    const data = sampleData('digest.weekly', 'en');
    const { subject, html, text } = renderer.render(renderer.compile(loadDefaultTemplate('digest.weekly'), SAMPLE_BRAND, 'w'), data);
    expect(data.period.label).toMatch(/^Nov 16\s–\s22, 2026$/u);
    expect(subject).toBe(`Northwind Hosting: Weekly security summary, ${data.period.label} – 1 issue needs attention`);
    for (const out of [html, text]) {
      expect(out).toContain('+3 (+43%)'); // 10 detections against 7
      expect(out).toContain('and 3 more sites');
      expect(out).toContain('and 6 more threats');
      expect(out).toContain('Sites cleaned this month');
      expect(out).toContain('shop.sonnenschein-bakery.example');
      expect(out).toMatch(/>?\/home\/sonnenschein\/public_html\/[^<\n]*…\/autoload_static_ba1c0de4\.php/); // start and file name kept
      expect(out).not.toMatch(/monarx|hostdigest/i); // white label: never the vendor's or the service's name
    }
    expect(html).toContain('href="https://digest.northwind-hosting.example/u/eyJjIjoiYy0xMDQyIn0.sample"');
    expect(html).toContain('lang="en"');
    expect(html).toContain('alt="Northwind Hosting"');
    expect(html).toMatch(/@media \(prefers-color-scheme: dark\)[\s\S]*\.hd-link \{ color: #[0-9a-f]{6} !important; \}/);
    expect(html).toContain('border-top:4px solid #0b5fff');
    expect(html.indexOf('shop.sonnenschein-bakery.example')).toBeLessThan(html.indexOf('staging.sonnenschein-bakery.example'));
    expect(text).toContain('Unsubscribe: https://digest.northwind-hosting.example/u/');
  });

  it("says a rule's update of an open incident is an update, in the subject and both bodies", () => {
    const tpl = renderer.compile(loadDefaultTemplate('rule.fired'), SAMPLE_BRAND, 'r');
    const base = { ...sampleData('rule.fired', 'en'), trigger: 'transition' };
    const opening = renderer.render(tpl, { ...base, from: 'clean', to: 'infected', update: false });
    const update = renderer.render(tpl, { ...base, from: 'infected', to: 'infected', update: true });
    expect(opening.text).toContain('State changed from clean to infected.');
    expect(update.subject).toContain(`Update: ${base.rule.name}`);
    expect(update.text).toContain('Still infected: more activity since the last message about this incident.');
    expect(update.text).not.toContain('State changed');
    expect(update.html).toContain('Still infected: more activity');
    const de = renderer.render(tpl, { ...sampleData('rule.fired', 'de'), from: 'infected', to: 'infected', update: true });
    expect(de.subject).toContain('Aktualisierung:');
  });

  it('speaks the recipient\'s language, with its number and date formats', () => {
    const de = renderer.render(renderer.compile(loadDefaultTemplate('digest.monthly'), SAMPLE_BRAND, 'm'), sampleData('digest.monthly', 'de'));
    expect(de.subject).toContain('Monatlicher Sicherheitsbericht, November 2026');
    expect(de.html).toMatch(/\+3 \(\+43\s%\)/u);
    expect(de.html).toContain('lang="de"');
    expect(de.text).toContain('und 3 weitere Websites');
  });

  it('keeps a digest at the list limits under Gmail\'s 102 KB clipping threshold', () => {
    const data = sampleData('digest.weekly', 'fr');
    const long = '/home/customer-with-a-long-name/public_html/wp-content/plugins/' + 'deeply/nested/'.repeat(30) + 'payload.php';
    const big: DigestTemplateData = {
      ...data,
      sites: Array.from({ length: DIGEST_LIST_LIMITS.sites }, (_, i) => ({ ...data.sites[0], id: `s${i}`, domain: `site-number-${i}.very-long-customer-domain-name.example` })),
      sitesMore: 4321,
      topThreats: Array.from({ length: DIGEST_LIST_LIMITS.topThreats }, (_, i) => ({ ...data.topThreats[0], name: `PHP.Webshell.Variant${i}`, path: long })),
      topThreatsMore: 98765,
    };
    const { html } = renderer.render(renderer.compile(loadDefaultTemplate('digest.weekly'), SAMPLE_BRAND, 'w'), big);
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
    expect(html).toContain('et 4\u202f321 autres sites');
  });

  it('escapes per-customer values in the HTML and keeps them verbatim in the text', () => {
    const [, data] = variants(sampleData('digest.daily', 'en'))[3];
    const { html, text } = renderer.render(renderer.compile(loadDefaultTemplate('digest.daily'), SAMPLE_BRAND, 'd'), data);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot; {{customer.id}}');
    expect(html).not.toContain('"><img src=x');
    expect(text).toContain('<script>alert(1)</script> & "Sons" {{customer.id}}');
  });

  it('renders from memory: no file is read once the template is compiled', () => {
    const compiled = renderer.compile(loadDefaultTemplate('digest.weekly'), SAMPLE_BRAND, 'w');
    const reads = [jest.spyOn(fs, 'readFileSync'), jest.spyOn(fs, 'openSync'), jest.spyOn(fs, 'readFile'), jest.spyOn(fs, 'existsSync')];
    try {
      for (const locale of LOCALES) renderer.render(compiled, sampleData('digest.weekly', locale));
      for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    } finally {
      reads.forEach((s) => s.mockRestore());
    }
  });

  it('binds brand values before MJML, escaped so that they cannot become markup or Handlebars', () => {
    const brand = { ...SAMPLE_BRAND, name: 'Evil {{constructor}} <b>\\', primaryColor: '#FD0' };
    const compiled = renderer.compile(source(`<mjml><mj-body><mj-section border-top="2px solid [[brand.primaryColor]]"><mj-column>
      <mj-text>[[brand.name]]{{customer.name}}</mj-text></mj-column></mj-section></mj-body></mjml>`), brand, 'evil');
    const { html } = renderer.render(compiled, { customer: { name: 'Ada' } });
    expect(html).toContain('Evil &#123;&#123;constructor&#125;&#125; &lt;b&gt;&#92;Ada');
    expect(html).toContain('border-top:2px solid #ffdd00');
    expect(compiled.brand.onPrimaryColor).toBe('#111827'); // dark text on yellow
  });

  it('caches by key, least recently used first out', () => {
    const small = new TemplateRenderer({ limits: { cacheEntries: 2 } });
    const src = source(body('{{customer.name}}'));
    const a = small.compile(src, SAMPLE_BRAND, 'a');
    expect(small.compile(src, SAMPLE_BRAND, 'a')).toBe(a);
    small.compile(src, SAMPLE_BRAND, 'b');
    small.compile(src, SAMPLE_BRAND, 'a');
    small.compile(src, SAMPLE_BRAND, 'c'); // evicts b
    expect(small.compile(src, SAMPLE_BRAND, 'a')).toBe(a);
    expect(small.compile(src, { ...SAMPLE_BRAND, name: 'Other' }, 'b').brand.name).toBe('Other');
  });

  it('makes the subject one line', () => {
    const compiled = renderer.compile(source(body('x'), 'Hello\n{{customer.name}}\r\n\n  again '), SAMPLE_BRAND, 'subject');
    expect(renderer.render(compiled, { customer: { name: 'Ada\nLovelace' } }).subject).toBe('Hello Ada Lovelace again');
  });

  it('refuses a brand whose colours could not be put into CSS', () => {
    expect(() => renderer.compile(source(body('x')), { ...SAMPLE_BRAND, primaryColor: 'red;}</style><script>' }, 'bad-brand'))
      .toThrow(TemplateCompileError);
  });
});

describe('TemplateRenderer sandbox', () => {
  const render = (content: string, data: object = sampleData('digest.weekly', 'en')) =>
    renderer.render(renderer.compile(source(body(content)), SAMPLE_BRAND, `sandbox:${content}`), data).html;
  const output = (html: string) => /<b id="out">([\s\S]*?)<\/b>/.exec(html)?.[1];

  it('refuses helpers off the whitelist, including constructor.constructor payloads', () => {
    for (const payload of ['{{constructor.constructor "return process"}}', '{{#with (constructor.constructor "return process")}}{{/with}}', '{{log "x"}}', '{{helperMissing "x"}}', '{{this.constructor "x"}}']) {
      expect(() => render(payload)).toThrow(expect.objectContaining({ reason: 'unknown_helper' }));
    }
  });

  it('reads nothing through prototypes', () => {
    const payloads = ['{{constructor}}', '{{constructor.name}}', '{{__proto__}}', '{{lookup this "constructor"}}', '{{lookup this "__proto__"}}',
      '{{#with __proto__}}{{constructor}}{{/with}}', '{{@root.constructor.name}}', '{{customer.name.constructor}}', '{{lookup (lookup this "constructor") "name"}}',
      '{{#each this}}{{#if (eq @key "constructor")}}x{{/if}}{{/each}}'];
    for (const p of payloads) expect(output(render(`<b id="out">${p}</b>`))).toBe('');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses partials and decorators (no path access)', () => {
    expect(() => render('{{> "/etc/passwd"}}')).toThrow(expect.objectContaining({ reason: 'partial_refused' }));
    expect(() => render('{{#> layout}}x{{/layout}}')).toThrow(expect.objectContaining({ reason: 'partial_refused' }));
    expect(() => render('{{#*inline "x"}}y{{/inline}}')).toThrow(expect.objectContaining({ reason: 'partial_refused' }));
  });

  it('refuses to compile a template whose blocks would not survive MJML, should one get past validation', () => {
    const mjml = '<mjml><mj-body>{{#each sites}}<mj-section><mj-column><mj-text>{{domain}}</mj-text></mj-column></mj-section>{{/each}}</mj-body></mjml>';
    expect(() => renderer.compile(source(mjml), SAMPLE_BRAND, 'around')).toThrow(expect.objectContaining({ reason: 'blocks_did_not_survive' }));
  });

  it('refuses mj-include', () => {
    const mjml = '<mjml><mj-body><mj-include path="/etc/passwd" /></mj-body></mjml>';
    expect(() => renderer.compile(source(mjml), SAMPLE_BRAND, 'include')).toThrow(expect.objectContaining({ reason: 'include_refused' }));
  });

  it('refuses a 5 MB template by its size before parsing it', () => {
    const huge = body('x'.repeat(5 * 1024 * 1024));
    const started = performance.now();
    expect(() => renderer.compile(source(huge), SAMPLE_BRAND, 'huge')).toThrow(expect.objectContaining({ reason: 'too_large', status: 413 }));
    expect(() => renderer.compile(source(body('x'), 'x'.repeat(300_000)), SAMPLE_BRAND, 'huge-subject')).toThrow(expect.objectContaining({ reason: 'too_large', part: 'subject' }));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('turns a helper that throws into a TemplateRenderError with the reason', () => {
    const compiled = renderer.compile(source(body('{{formatDate period.start timeZone="Mars/Olympus_Mons"}}')), SAMPLE_BRAND, 'bad-zone');
    let error: unknown;
    try {
      renderer.render(compiled, sampleData('digest.weekly', 'en'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error).toMatchObject({ reason: 'render_failed', part: 'mjml', message: expect.stringMatching(/time zone/i) });
    // the same compiled template still renders data that is fine
    expect(() => renderer.render(compiled, { period: {} })).not.toThrow();
  });

  it('caps the output size', () => {
    const capped = new TemplateRenderer({ limits: { outputBytes: 20_000 } });
    const compiled = capped.compile(source(body('{{#each sites}}{{domain}}{{/each}}')), SAMPLE_BRAND, 'cap');
    const sites = Array.from({ length: 5000 }, () => ({ domain: 'a-long-domain-name.example' }));
    expect(() => capped.render(compiled, { sites })).toThrow(expect.objectContaining({ reason: 'output_too_large' }));
  });

  for (const locale of LOCALES) {
    it(`renders alert.urgent in ${locale} the same both ways, with and without the optional fields`, () => {
      const src = loadDefaultTemplate('alert.urgent');
      const data = sampleData('alert.urgent', locale);
      const bare = { ...data, event: { ...data.event, severity: null, threatName: null, filePath: null, server: null, process: '/tmp/x --y' } };
      for (const d of [data, bare]) {
        const once = renderer.render(renderer.compile(src, SAMPLE_BRAND, 'alert:1'), d);
        const naive = renderer.referenceRenderer(src, SAMPLE_BRAND)(d);
        expect(trailing(once.html)).toBe(trailing(naive.html));
        expect([once.subject, once.text]).toEqual([naive.subject, naive.text]);
        expect(once.text).toContain(d.site.domain);
      }
    });
  }

  it('stops a render that runs past its time limit instead of blocking the process', () => {
    const quick = new TemplateRenderer({ limits: { renderMs: 100 } });
    // 5^14 iterations that print nothing: without the deadline this runs for hours.
    let loops = '{{#if false}}x{{/if}}';
    for (let i = 0; i < 14; i++) loops = `{{#each @root.sites}}${loops}{{/each}}`;
    const compiled = quick.compile(source(body('x'), 'S', loops), SAMPLE_BRAND, 'bomb');
    const started = Date.now();
    expect(() => quick.render(compiled, sampleData('digest.daily'))).toThrow(expect.objectContaining({ reason: 'too_slow' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(quick.render(quick.compile(source(body('ok')), SAMPLE_BRAND, 'after'), {}).text).toBe('T\n');
  });
});

it('every default template kind has its three parts', () => {
  for (const kind of TEMPLATE_KINDS) {
    const src = loadDefaultTemplate(kind);
    expect(src.subject.trim()).not.toBe('');
    expect(src.mjml).toMatch(/^<mjml/);
    expect(src.text.trim()).not.toBe('');
  }
});
