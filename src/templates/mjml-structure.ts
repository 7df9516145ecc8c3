// A tolerant scan of MJML source that mirrors what MJML's parser does with it: tags, their attributes (with value
// offsets), HTML comments, and the raw content of "ending tags" (mj-text, mj-table, mj-raw, …), which MJML copies
// into its output unparsed.
export interface MjAttribute {
  name: string;
  start: number;
  valueStart: number; // -1 when the attribute has no value
  valueEnd: number;
  value: string;
}

export interface MjElement {
  name: string;
  start: number;
  openEnd: number; // just after the opening tag's ">"
  attrs: MjAttribute[];
  content: { start: number; end: number } | null; // raw content of an ending tag
  parent: MjElement | null;
}

export interface MjStructure {
  elements: MjElement[];
  comments: Array<{ start: number; end: number }>;
  unclosed: MjElement[]; // still open at the end of the source, outermost first
}

export const ENDING_TAGS = new Set([
  'mj-text', 'mj-button', 'mj-table', 'mj-raw', 'mj-style', 'mj-title', 'mj-preview', 'mj-navbar-link',
  'mj-accordion-title', 'mj-accordion-text', 'mj-social-element', 'mj-html-attribute',
]);

export function scanMjml(source: string): MjStructure {
  const elements: MjElement[] = [];
  const comments: MjStructure['comments'] = [];
  const stack: MjElement[] = [];
  let openEnding: MjElement | null = null;
  const openTag = /<([a-zA-Z][\w:.-]*)/y;
  const closeTag = /<\/([a-zA-Z][\w:.-]*)\s*>/y;
  let i = 0;
  while ((i = source.indexOf('<', i)) !== -1) {
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      comments.push({ start: i, end: end < 0 ? source.length : end + 3 });
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    if (source.startsWith('<!', i) || source.startsWith('<?', i)) {
      i = skipTo(source, i, source.startsWith('<![CDATA[', i) ? ']]>' : '>');
      continue;
    }
    closeTag.lastIndex = i;
    const close = closeTag.exec(source);
    if (close) {
      const at = stack.map((e) => e.name).lastIndexOf(close[1].toLowerCase());
      if (at >= 0) stack.length = at;
      i = closeTag.lastIndex;
      continue;
    }
    openTag.lastIndex = i;
    const open = openTag.exec(source);
    if (!open) {
      i++;
      continue;
    }
    const name = open[1].toLowerCase();
    const { attrs, end, selfClosing } = readAttributes(source, openTag.lastIndex);
    const element: MjElement = { name, start: i, openEnd: end, attrs, content: null, parent: stack[stack.length - 1] ?? null };
    elements.push(element);
    i = end;
    if (selfClosing) continue;
    if (ENDING_TAGS.has(name)) {
      const closeAt = indexOfClose(source, name, end);
      element.content = { start: end, end: closeAt };
      if (closeAt === source.length) openEnding = element;
      i = closeAt < source.length ? skipTo(source, closeAt, '>') : closeAt;
    } else {
      stack.push(element);
    }
  }
  return { elements, comments, unclosed: openEnding ? [...stack, openEnding] : stack };
}

function readAttributes(source: string, from: number): { attrs: MjAttribute[]; end: number; selfClosing: boolean } {
  const attrs: MjAttribute[] = [];
  let j = from;
  for (;;) {
    while (j < source.length && /\s/.test(source[j])) j++;
    if (j >= source.length) return { attrs, end: j, selfClosing: false };
    if (source[j] === '>') return { attrs, end: j + 1, selfClosing: false };
    if (source.startsWith('/>', j)) return { attrs, end: j + 2, selfClosing: true };
    const start = j;
    while (j < source.length && !/[\s=>]/.test(source[j]) && !source.startsWith('/>', j)) j++;
    if (j === start) j++; // a stray "/"
    const name = source.slice(start, j);
    let k = j;
    while (k < source.length && /\s/.test(source[k])) k++;
    if (source[k] !== '=') {
      attrs.push({ name, start, valueStart: -1, valueEnd: -1, value: '' });
      continue;
    }
    k++;
    while (k < source.length && /\s/.test(source[k])) k++;
    const quote = source[k] === '"' || source[k] === "'" ? source[k] : null;
    const valueStart = quote ? k + 1 : k;
    let valueEnd = valueStart;
    if (quote) {
      valueEnd = source.indexOf(quote, valueStart);
      if (valueEnd < 0) valueEnd = source.length;
      j = Math.min(valueEnd + 1, source.length);
    } else {
      while (valueEnd < source.length && !/[\s>]/.test(source[valueEnd])) valueEnd++;
      j = valueEnd;
    }
    attrs.push({ name, start, valueStart, valueEnd, value: source.slice(valueStart, valueEnd) });
  }
}

function indexOfClose(source: string, name: string, from: number): number {
  const re = new RegExp(`</${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*>`, 'ig');
  re.lastIndex = from;
  const m = re.exec(source);
  return m ? m.index : source.length;
}

function skipTo(source: string, from: number, token: string): number {
  const at = source.indexOf(token, from);
  return at < 0 ? source.length : at + token.length;
}
