import { TemplateCompileError } from './template-errors';

export interface MjmlIssue {
  line: number;
  message: string;
  tagName: string;
}

type Mjml2Html = (mjml: string, options: object) => { html: string; errors: MjmlIssue[] };

let mjml2html: Mjml2Html | null = null;

// require('mjml') costs ~330 ms: once per thread, when a worker thread starts (template-worker.ts) or when something
// compiles in this thread (specs, benchmarks).
export function loadMjml(): Mjml2Html {
  return (mjml2html ??= require('mjml') as Mjml2Html);
}

// No filePath and ignoreIncludes: MJML never opens a file; `fonts: {}`: no web-font links to a third party;
// soft validation: placeholders in colour attributes are kept (the validator reports real errors at save time).
const OPTIONS = Object.freeze({
  validationLevel: 'soft',
  keepComments: false,
  ignoreIncludes: true,
  fonts: {},
  minify: false,
  beautify: false,
});

export const INCLUDE_TAG = /<mj-include\b/i;

export function compileMjml(source: string): { html: string; errors: MjmlIssue[] } {
  if (INCLUDE_TAG.test(source)) {
    throw new TemplateCompileError('include_refused', 'mj-include is not allowed: templates cannot read files', 'mjml');
  }
  try {
    const { html, errors } = loadMjml()(source, { ...OPTIONS });
    return { html: compactLines(html), errors: errors.map((e) => ({ line: e.line, message: e.message.trim(), tagName: e.tagName })) };
  } catch (e) {
    throw new TemplateCompileError('syntax', `mjml: ${(e as Error).message}`, 'mjml');
  }
}

// MJML indents its output generously: a fifth of a digest's HTML is the spaces that start its lines, and every
// byte is rendered, stored, encoded and sent per email (Gmail clips at 102 KB). A newline followed by blanks is
// whitespace exactly as a newline alone is, so they become one newline, except inside <pre>, <textarea> and
// Handlebars statements, which are left as they are.
const KEEP = /(<pre\b[\s\S]*?<\/pre>|<textarea\b[\s\S]*?<\/textarea>|\{\{[\s\S]*?\}\})/i;

export function compactLines(html: string): string {
  return html.split(KEEP).map((part, i) => (i % 2 ? part : part.replace(/\n[ \t\r\n]+/g, '\n'))).join('');
}
