import { TemplateCompileError } from './template-errors';
import { TemplateRenderer } from './template-renderer';

// A rule action's params: every string rendered as plain-text Handlebars in the template sandbox.
describe('TemplateRenderer.renderValues', () => {
  const r = new TemplateRenderer();
  const data = { site: { domain: 'a&b.example' }, events: [{ filePath: '/x.php' }, { filePath: '/y.php' }], count: 7 };

  it('renders every string, nested, without HTML escaping, and keeps other values', () => {
    expect(r.renderValues({ operation: 'OpenTicket', deptid: 2, sticky: true, subject: 'Malware on {{site.domain}}', attributes: [{ label: 'Files', value: '{{#each events}}{{filePath}} {{/each}}' }], amount: '{{count}}' }, data)).toEqual({
      operation: 'OpenTicket', deptid: 2, sticky: true, subject: 'Malware on a&b.example', attributes: [{ label: 'Files', value: '/x.php /y.php ' }], amount: '7',
    });
  });

  it('keeps the sandbox: no partials, no prototype access', () => {
    expect(() => r.renderValues({ x: '{{> secrets}}' }, data)).toThrow(TemplateCompileError);
    expect(r.renderValues({ x: '{{site.constructor.name}}|{{site.__proto__}}' }, data)).toEqual({ x: '|' });
  });
});
