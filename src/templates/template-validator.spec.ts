import { loadDefaultTemplate } from './default-templates';
import { EMAIL_TEMPLATE_KINDS as TEMPLATE_KINDS, TemplateSource } from './template-kinds';
import { Issue, validateTemplate } from './template-validator';

// Line 1 <mjml>, line 2 <mj-body>, the body from line 3.
const doc = (body: string) => `<mjml>\n  <mj-body>\n${body}\n  </mj-body>\n</mjml>\n`;
const text = (content: string) => `    <mj-section><mj-column><mj-text>${content}</mj-text></mj-column></mj-section>`;
const check = (mjml: string, parts: Partial<TemplateSource> = {}) =>
  validateTemplate('digest.weekly', { subject: 'Summary', text: 'Summary', mjml, ...parts });
const only = (issues: Issue[]) => {
  expect(issues).toHaveLength(1);
  return issues[0];
};

describe('validateTemplate', () => {
  for (const kind of TEMPLATE_KINDS) {
    it(`accepts the default ${kind} template with no errors and no warnings`, () => {
      expect(validateTemplate(kind, loadDefaultTemplate(kind))).toEqual({ errors: [], warnings: [] });
    });
  }

  it('refuses a block around MJML components and says where to move it', () => {
    const error = only(check(doc(`    {{#each sites}}<mj-section><mj-column><mj-text>{{domain}}</mj-text></mj-column></mj-section>{{/each}}`)).errors);
    expect(error).toMatchObject({ part: 'mjml', line: 3, column: 5 });
    expect(error.message).toContain('{{#each sites}} sits between MJML components, around <mj-section> (line 3)');
    expect(error.message).toContain('<mj-table>');
    expect(error.message).toContain('<mj-raw>');
  });

  it('refuses an unclosed <mj-text> (MJML would drop its text) at the element, naming the tags left open around it', () => {
    const error = only(check('<mjml><mj-body><mj-section><mj-column><mj-text>hi').errors);
    expect(error).toEqual({
      part: 'mjml', line: 1, column: 39,
      message: '<mj-text> is never closed (nor are <mj-column>, <mj-section>, <mj-body>, <mjml> around it). MJML drops the content of an unclosed <mj-text>. Add </mj-text> where it ends.',
    });
  });

  it('refuses components left open at the end of the template', () => {
    const error = only(check('<mjml>\n  <mj-body>\n' + text('hi')).errors);
    expect(error).toMatchObject({ line: 2, column: 3, message: '<mj-body> is never closed (nor is <mjml> around it). Add </mj-body> where it ends.' });
  });

  it('accepts <mj-raw> markers around whole components', () => {
    const markers = doc(`    <mj-raw>{{#if status.outstanding}}</mj-raw>\n${text('x')}\n    <mj-raw>{{/if}}</mj-raw>`);
    expect(check(markers)).toEqual({ errors: [], warnings: [] });
  });

  it('refuses a block that opens in one element and closes in another', () => {
    const error = only(check(doc(text('{{#if status.outstanding}}a</mj-text><mj-text>b{{/if}}'))).errors);
    expect(error.message).toMatch(/opens in <mj-text> \(line 3\) but \{\{\/if\}\} is in <mj-text>/);
  });

  it('refuses a placeholder in a numeric attribute', () => {
    const error = only(check(doc(`    <mj-section><mj-column><mj-image src="{{brand.logoUrl}}" width="{{brand.logoWidth}}px" /></mj-column></mj-section>`)).errors);
    expect(error).toMatchObject({ line: 3, column: 69 });
    expect(error.message).toMatch(/numeric attribute width of <mj-image>.*\[\[brand\./);
  });

  it('accepts brand values bound before MJML in numeric attributes and inline styles', () => {
    const mjml = `<mjml>\n  <mj-head><mj-style inline="inline">.x { color: [[brand.primaryColor]]; }</mj-style></mj-head>\n  <mj-body>\n` +
      `    <mj-section border-top="4px solid [[brand.primaryColor]]"><mj-column><mj-image src="{{brand.logoUrl}}" width="[[brand.logoWidth]]px" /></mj-column></mj-section>\n  </mj-body>\n</mjml>`;
    expect(check(mjml)).toEqual({ errors: [], warnings: [] });
  });

  it('refuses placeholders in an inline mj-style', () => {
    const mjml = '<mjml>\n  <mj-head>\n    <mj-style inline="inline">.x { color: {{brand.primaryColor}}; }</mj-style>\n  </mj-head>\n' + doc(text('x')).slice(7);
    const error = only(check(mjml).errors);
    expect(error).toMatchObject({ line: 3, column: 43 });
    expect(error.message).toContain('inline="inline"');
  });

  it('refuses Handlebars in a tag\'s attribute list', () => {
    const error = only(check(doc(`    <mj-section {{#if status.outstanding}}background-color="#fee"{{/if}}><mj-column><mj-text>x</mj-text></mj-column></mj-section>`)).errors);
    expect(error).toMatchObject({ line: 3, column: 17 });
    expect(error.message).toContain('in place of an attribute');
  });

  it('refuses a placeholder between components, where MJML drops text', () => {
    const error = only(check(doc(`    <mj-section><mj-column>{{customer.name}}<mj-text>x</mj-text></mj-column></mj-section>`)).errors);
    expect(error.message).toContain('where MJML drops text');
  });

  it('refuses a double-quoted string inside a double-quoted attribute', () => {
    const { errors } = check(doc(`    <mj-section><mj-column><mj-button href="{{links.portal}}" title="{{t "digest.cta"}}">Go</mj-button></mj-column></mj-section>`));
    expect(errors.map((e) => e.message).join('\n')).toContain("Use single quotes inside it, e.g. {{t 'key'}}");
  });

  it('refuses mj-include and local files', () => {
    const error = only(check(doc('    <mj-include path="/etc/passwd" />')).errors);
    expect(error).toMatchObject({ line: 3, column: 5 });
    expect(error.message).toContain('mj-include reads files on the server');
    expect(only(check(doc(`    <mj-section><mj-column><mj-image src="file:///etc/passwd" /></mj-column></mj-section>`)).errors).message).toContain('file:');
  });

  it('reports an unclosed {{#if}} at the line where it opens', () => {
    const error = only(check(doc(`    <mj-section><mj-column>\n      <mj-text>{{#if status.outstanding}}Attention</mj-text>\n    </mj-column></mj-section>`)).errors);
    expect(error).toEqual({ part: 'mjml', line: 4, column: 16, message: '{{#if status.outstanding}} is never closed: add {{/if}} where the block should end.' });
  });

  it('reports a mismatched close and other syntax errors with their line and column', () => {
    expect(only(check(doc(text('{{#if status.outstanding}}\n{{/each}}'))).errors)).toMatchObject({ line: 3, column: 37, message: expect.stringContaining('closed by {{/each}}') });
    expect(only(check(doc(text('x')), { text: 'Hello\n  {{customer.name' }).errors)).toEqual({ part: 'text', line: 2, column: 3, message: '{{customer.name is never closed: add }}.' });
    expect(only(check(doc(text('x')), { text: 'Hello {{customer.name)}}' }).errors)).toMatchObject({ part: 'text', line: 1, column: 22, message: expect.stringContaining('Handlebars syntax error: unexpected') });
  });

  it('reports invalid MJML with MJML\'s message at its line', () => {
    const error = only(check(doc(`    <mj-section>\n      <mj-text>hello</mj-text>\n    </mj-section>`)).errors);
    expect(error).toMatchObject({ part: 'mjml', line: 4, column: 7 });
    expect(error.message).toContain('mj-text cannot be used inside mj-section');
    expect(only(check(doc(`    <mj-section><mj-column>\n\n      <mj-image src="x" colour="red" /></mj-column></mj-section>`)).errors)).toMatchObject({ line: 5, message: 'MJML: Attribute colour is illegal.' });
  });

  it('refuses unknown helpers, partials and JavaScript internals', () => {
    expect(only(check(doc(text('{{shout customer.name}}'))).errors)).toMatchObject({ line: 3, column: 37, message: expect.stringContaining('Unknown helper "shout"') });
    expect(only(check(doc(text('x')), { subject: '{{> header}}' }).errors)).toMatchObject({ part: 'subject', message: expect.stringContaining('Partials') });
    const internals = check(doc(text('{{constructor.constructor "return process"}}{{lookup this "__proto__"}}{{__proto__}}'))).errors;
    expect(internals).toHaveLength(3);
    internals.forEach((e) => expect(e.message).toMatch(/JavaScript internal/));
  });

  it('refuses a template over the size limit without parsing it', () => {
    const error = only(check(doc(text('x'.repeat(5 * 1024 * 1024)))).errors);
    expect(error.message).toMatch(/^The mjml is 5,242,9\d\d bytes; the limit is 262,144 bytes\.$/);
  });

  it('catches a placeholder MJML dropped although its place looked fine (the safety net)', () => {
    const mjml = `<mjml>\n  <mj-head>\n    <mj-attributes><mj-class name="unused" css-class="{{customer.id}}" /></mj-attributes>\n  </mj-head>\n` + doc(text('x')).slice(7);
    const error = only(check(mjml).errors);
    expect(error).toMatchObject({ line: 3, column: 55 });
    expect(error.message).toContain('{{customer.id}} did not survive the MJML compile');
  });

  it('warns about variables that are not documented for the kind, with a suggestion', () => {
    const { errors, warnings } = check(doc(text('{{customer.nmae}} {{#each sites}}{{domian}} {{../customer.name}}{{/each}} {{#each totals.byKind}}{{kind}}{{/each}}')));
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([
      '"customer.nmae" is not a documented variable for digest.weekly and renders empty; did you mean "customer.name"?',
      '"domian" is not a documented variable for digest.weekly and renders empty; did you mean "sites[].domain"?',
    ]);
    expect(validateTemplate('ticket.malware', { subject: '{{sites}}', text: '{{event.filePath}}', mjml: doc(text('x')) }).warnings).toEqual([
      expect.objectContaining({ part: 'subject', message: expect.stringContaining('"sites" is not a documented variable for ticket.malware') }),
    ]);
  });

  it('warns about unknown text keys and unescaped output', () => {
    const { warnings } = check(doc(text('{{t "digest.totlas"}} {{t "severity" severity}} {{{customer.name}}}')));
    expect(warnings.map((w) => w.message)).toEqual([
      '"digest.totlas" is not a text key in templates/locales/en.json; {{t}} would print the key itself.',
      expect.stringContaining('"severity" is not a documented variable'),
      expect.stringContaining('Triple braces output unescaped HTML'),
    ]);
  });

  it('keeps [[brand.*]] to the MJML body and to known brand values', () => {
    const { errors } = check(doc(text('[[brand.colour]]')), { subject: '[[brand.name]] digest' });
    expect(errors).toEqual([
      { part: 'subject', line: 1, column: 1, message: '[[brand.name]] is bound only in the MJML body; write {{brand.name}} in the subject.' },
      expect.objectContaining({ part: 'mjml', line: 3, column: 37, message: expect.stringContaining('[[brand.colour]] is not a brand value') }),
    ]);
  });
});
