import { MjElement, MjStructure } from './mjml-structure';
import { isBlockStatement, LineIndex, Statement } from './statement-scanner';

// Where a Handlebars statement may sit in MJML so that it survives the one-time MJML compile (../shared/stack.md):
// placeholders in text, in string attributes (href, src, alt, colours), in a non-inline mj-style; blocks only inside
// the raw content of mj-text, mj-table and mj-raw. Everything else is reported with where to move it.
export interface Misplacement {
  offset: number;
  message: string;
}

const BLOCK_HOSTS = new Set(['mj-text', 'mj-table', 'mj-raw']);
const STRING_ATTRS = new Set([
  'href', 'src', 'srcset', 'sizes', 'alt', 'title', 'rel', 'target', 'css-class', 'font-family', 'font-weight',
  'font-style', 'text-decoration', 'text-transform', 'background-url', 'lang', 'dir', 'usemap',
  'icon-wrapped-url', 'icon-unwrapped-url', 'icon-wrapped-alt', 'icon-unwrapped-alt',
]);
const NUMERIC_ATTR = /(^|-)(width|height|size|padding|spacing|radius|border|gap|cellpadding|cellspacing)(-|$)|line-height|letter-spacing/;
const isColorAttr = (name: string) => name === 'color' || name.endsWith('-color');

const MOVE_BLOCK =
  'MJML compiles the template once, so a block around components renders once, empty, or loses its condition. ' +
  'Repeat rows inside one <mj-table> (put the block around the <tr> rows), put the repeated markup inside one <mj-text>, ' +
  'or hide whole components with <mj-raw>{{#if …}}</mj-raw> … <mj-raw>{{/if}}</mj-raw> markers.';

type Region = { kind: 'content'; host: MjElement } | { kind: 'attribute'; host: MjElement } | { kind: 'between' } | { kind: 'comment' };

export function findMisplacements(source: string, structure: MjStructure, statements: Statement[]): Misplacement[] {
  const lines = new LineIndex(source);
  const where = (el: MjElement) => `<${el.name}> (line ${lines.position(el.start).line})`;
  const found: Misplacement[] = [];
  const opens: Array<{ statement: Statement; region: Region; reported: boolean }> = [];

  for (const s of statements) {
    if (s.kind === 'comment') continue;
    const region = regionOf(s, structure);
    let message = region.kind === 'attribute' ? attributeProblem(s, region.host) : null;
    if (region.kind === 'comment') {
      message = `${s.text} is inside an HTML comment, which MJML removes. Move it out of the comment.`;
    } else if (region.kind === 'content') {
      message = contentProblem(s, region.host);
    } else if (region.kind === 'between') {
      message = isBlockStatement(s)
        ? `${s.text} sits between MJML components${nextComponent(s, structure, where)}. ${MOVE_BLOCK}`
        : `${s.text} sits between MJML components, where MJML drops text. Put it inside <mj-text> (or in an attribute such as href).`;
    }
    // A misplaced block is reported once, at its opening statement.
    if (s.kind === 'open') {
      opens.push({ statement: s, region, reported: !!message });
    } else if (s.kind === 'else' || s.kind === 'close') {
      const open = s.kind === 'close' ? opens.pop() : opens[opens.length - 1];
      if (open?.reported) continue;
      const split = open && !message && !sameRegion(open.region, region) ? splitBlock(open.statement, s, open.region, region, where) : null;
      if (open && split) {
        open.reported = true;
        found.push({ offset: open.statement.start, message: split });
        continue;
      }
    }
    if (message) found.push({ offset: s.start, message });
  }
  return found;
}

function regionOf(s: Statement, { elements, comments }: MjStructure): Region {
  if (comments.some((c) => s.start >= c.start && s.start < c.end)) return { kind: 'comment' };
  for (const el of elements) {
    if (s.start >= el.start && s.start < el.openEnd) return { kind: 'attribute', host: el };
    if (el.content && s.start >= el.content.start && s.start < el.content.end) return { kind: 'content', host: el };
  }
  return { kind: 'between' };
}

function attributeProblem(s: Statement, el: MjElement): string | null {
  const attr = el.attrs.find((a) => a.valueStart >= 0 && s.start >= a.valueStart && s.start < a.valueEnd);
  if (!attr) {
    return `${s.text} sits in the attribute list of <${el.name}> in place of an attribute; MJML parses attributes at compile time, ` +
      'so it is dropped or garbles the tag. Put it inside an attribute value (href="{{…}}"), or move the condition into <mj-text> or <mj-raw> content.';
  }
  if (s.end > attr.valueEnd) {
    return `${s.text} runs past the closing quote of ${attr.name}="…": a double quote inside the expression ends the attribute. ` +
      "Use single quotes inside it, e.g. {{t 'key'}}.";
  }
  if (isBlockStatement(s)) {
    return `${s.text} inside the ${attr.name} attribute of <${el.name}>: MJML may split or copy attribute values. ` +
      'Move the condition into <mj-text> or <mj-raw> content, or use two variables.';
  }
  if (isColorAttr(attr.name) || STRING_ATTRS.has(attr.name)) return null;
  if (NUMERIC_ATTR.test(attr.name)) {
    return `${s.text} in the numeric attribute ${attr.name} of <${el.name}>: MJML computes the layout from it once, ` +
      'so a placeholder becomes NaN or disappears. Use a fixed value, or [[brand.…]] for a brand value (bound before MJML runs).';
  }
  return `${s.text} in ${attr.name} of <${el.name}>: MJML interprets this attribute at compile time, so a placeholder does not survive. ` +
    'Use a fixed value, or [[brand.…]] for a brand value.';
}

function contentProblem(s: Statement, el: MjElement): string | null {
  if (el.name === 'mj-style' && el.attrs.some((a) => a.name === 'inline' && a.value === 'inline')) {
    return `${s.text} in <mj-style inline="inline">: MJML copies these rules into style attributes at compile time and the placeholder is lost. ` +
      'Use [[brand.…]] for brand values, or put per-email rules in an <mj-style> without inline.';
  }
  if (isBlockStatement(s) && !BLOCK_HOSTS.has(el.name)) {
    return `${s.text} inside <${el.name}>: blocks survive the MJML compile only inside <mj-text>, <mj-table> or <mj-raw> content. ` +
      'Choose the text with a helper ({{t …}}) or move the block into <mj-text>.';
  }
  return null;
}

function sameRegion(a: Region, b: Region): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'between' || a.kind === 'comment' || (a as { host: MjElement }).host === (b as { host: MjElement }).host;
}

// A block may open in one element and close in another only as <mj-raw> markers around whole components.
function splitBlock(open: Statement, other: Statement, a: Region, b: Region, where: (el: MjElement) => string): string | null {
  if (a.kind === 'content' && b.kind === 'content' && a.host.name === 'mj-raw' && b.host.name === 'mj-raw') return null;
  const describe = (r: Region) => (r.kind === 'content' || r.kind === 'attribute' ? where(r.host) : 'between components');
  return `${open.text} opens in ${describe(a)} but ${other.text} is in ${describe(b)}: MJML wraps each element in its own markup, ` +
    'so the block would cut through it. Keep the block inside one element, or use <mj-raw> markers around whole components.';
}

function nextComponent(s: Statement, { elements }: MjStructure, where: (el: MjElement) => string): string {
  const next = elements.find((el) => el.start > s.start && el.name.startsWith('mj-'));
  return next ? `, around ${where(next)}` : '';
}
