// Finds Handlebars statements in a template by their text, with offsets: the validator needs to know where each
// {{…}} sits in the MJML (attribute, element content, between components), which the Handlebars AST cannot say.
export type StatementKind = 'open' | 'else' | 'close' | 'value' | 'comment' | 'partial' | 'decorator';

export interface Statement {
  start: number;
  end: number; // exclusive; the end of the source when the statement is never closed
  text: string;
  kind: StatementKind;
  name: string; // the helper or path after the sigil: "each", "sites", "t"
  terminated: boolean;
}

export const isBlockStatement = (s: Statement) => s.kind === 'open' || s.kind === 'else' || s.kind === 'close';

export function scanStatements(source: string): Statement[] {
  const found: Statement[] = [];
  let i = 0;
  while ((i = source.indexOf('{{', i)) !== -1) {
    // \{{ is an escaped (literal) mustache; \\{{ is a backslash followed by a real one
    if (source[i - 1] === '\\' && source[i - 2] !== '\\') {
      i += 2;
      continue;
    }
    const statement = readStatement(source, i);
    found.push(statement);
    i = Math.max(statement.end, i + 2);
  }
  return found;
}

function readStatement(source: string, start: number): Statement {
  const rawBlock = source.startsWith('{{{{', start);
  const triple = !rawBlock && source.startsWith('{{{', start);
  let body = start + (rawBlock ? 4 : triple ? 3 : 2);
  if (source[body] === '~') body++;
  const sigil = source[body];
  let end: number;
  if (sigil === '!') {
    const long = source.startsWith('!--', body);
    const close = long ? source.indexOf('--', body + 3) : -1;
    const at = long ? (close < 0 ? -1 : source.indexOf('}}', close)) : source.indexOf('}}', body);
    end = at < 0 ? -1 : at + 2;
  } else {
    end = closingBraces(source, body, rawBlock ? '}}}}' : triple ? '}}}' : '}}');
  }
  const terminated = end >= 0;
  if (!terminated) end = source.length;
  const text = source.slice(start, end);
  const inner = source.slice(body, end).replace(/~?}+$/, '');
  return { start, end, text, terminated, ...classify(sigil, inner, triple) };
}

// The closing braces outside string literals ({{t "a}}b"}} is one statement).
function closingBraces(source: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let j = from; j < source.length; j++) {
    const c = source[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (source.startsWith(close, j)) {
      return j + close.length;
    } else if (source.startsWith('{{', j)) {
      return -1; // a new statement starts before this one closed
    }
  }
  return -1;
}

function classify(sigil: string, inner: string, triple: boolean): { kind: StatementKind; name: string } {
  const word = (s: string) => /^\s*([^\s}~()]*)/.exec(s)?.[1] ?? '';
  if (triple) return { kind: 'value', name: word(inner) };
  switch (sigil) {
    case '!': return { kind: 'comment', name: '' };
    case '>': return { kind: 'partial', name: word(inner.slice(1)) };
    case '*': return { kind: 'decorator', name: word(inner.slice(1)) };
    case '/': return { kind: 'close', name: word(inner.slice(1)) };
    case '&': return { kind: 'value', name: word(inner.slice(1)) };
    case '#': {
      const next = inner[1];
      if (next === '>') return { kind: 'partial', name: word(inner.slice(2)) };
      if (next === '*') return { kind: 'decorator', name: word(inner.slice(2)) };
      return { kind: 'open', name: word(inner.slice(1)) };
    }
    case '^': {
      const name = word(inner.slice(1));
      return name ? { kind: 'open', name } : { kind: 'else', name: 'else' };
    }
  }
  return /^\s*else\b/.test(inner) ? { kind: 'else', name: 'else' } : { kind: 'value', name: word(inner) };
}

// Offsets → 1-based line and column, as the editor shows them.
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let [lo, hi] = [0, this.starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  // Handlebars locations: 1-based line, 0-based column.
  offset(line: number, column: number): number {
    return (this.starts[line - 1] ?? this.source.length) + column;
  }

  lineText(line: number): string {
    const from = this.starts[line - 1] ?? this.source.length;
    const to = this.starts[line] ?? this.source.length + 1;
    return this.source.slice(from, to - 1);
  }
}

// The text of a statement with its whitespace normalized, for comparing source and compiled output.
export const statementKey = (s: Statement) => s.text.replace(/\s+/g, ' ');
