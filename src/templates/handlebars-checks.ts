import Handlebars from 'handlebars';
import { helperName, INTERNALS, refusedStatements } from './handlebars-sandbox';
import { isBlockStatement, LineIndex, scanStatements } from './statement-scanner';

export interface Finding {
  line: number;
  column: number;
  message: string;
}

// The jison lexer Handlebars parses with; after a parse error its yylloc is where the parser stopped.
const lexer = (Handlebars as unknown as { Parser: { lexer: { yylloc?: { first_line: number; first_column: number } } } }).Parser.lexer;

const TOKENS: Record<string, string> = {
  EOF: 'the end of the template', OPEN_ENDBLOCK: '{{/…}}', CLOSE: '}}', CLOSE_UNESCAPED: '}}}', OPEN: '{{',
  INVERSE: '{{else}}', OPEN_INVERSE_CHAIN: '{{else …}}', OPEN_BLOCK: '{{#…}}', ID: 'a name', STRING: 'a string',
  NUMBER: 'a number', INVALID: 'a character Handlebars does not accept', SEP: '"." or "/"', CLOSE_SEXPR: '")"',
  OPEN_SEXPR: '"("', EQUALS: '"="', DATA: '@data', CLOSE_RAW_BLOCK: '}}}}',
};
const token = (t: string) => TOKENS[t] ?? t.toLowerCase().replace(/_/g, ' ');

export function parseTemplate(source: string): { ast: hbs.AST.Program; error?: undefined } | { ast?: undefined; error: Finding } {
  try {
    return { ast: Handlebars.parse(source) };
  } catch (e) {
    return { error: describeParseError(source, e as Error & { lineNumber?: number; column?: number }) };
  }
}

function describeParseError(source: string, e: Error & { lineNumber?: number; column?: number }): Finding {
  // "if doesn't match each - 2:3": a close tag for another block
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(e.message);
  if (mismatch && e.lineNumber) {
    // Handlebars points at the block's name; the editor should point at its {{
    const opening = new LineIndex(source).lineText(e.lineNumber).lastIndexOf('{{', e.column ?? 0);
    return {
      line: e.lineNumber, column: (opening >= 0 ? opening : e.column ?? 0) + 1,
      message: `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}: close it with {{/${mismatch[1]}}} (blocks must nest).`,
    };
  }
  const got = /got '([^']+)'/.exec(e.message)?.[1] ?? '';
  const expected = [...e.message.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).filter((t) => t !== got);
  const open = scanStatements(source).find((st) => !st.terminated);
  if (open) {
    const close = open.text.startsWith('{{{') ? '}}}' : '}}';
    return { ...new LineIndex(source).position(open.start), message: `${open.text.split('\n')[0].slice(0, 40)} is never closed: add ${close}.` };
  }
  if (got === 'EOF' && expected.includes('OPEN_ENDBLOCK')) {
    const unclosed = unclosedBlock(source);
    if (unclosed) return unclosed;
  }
  if (e.lineNumber) {
    return { line: e.lineNumber, column: (e.column ?? 0) + 1, message: `Handlebars: ${e.message.replace(/ - \d+:\d+$/, '')}.` };
  }
  const at = lexer.yylloc;
  const wanted = expected.slice(0, 4).map(token).join(', ');
  return {
    line: at?.first_line ?? 1,
    column: (at?.first_column ?? 0) + 1,
    message: `Handlebars syntax error: unexpected ${token(got || 'INVALID')}${wanted ? `; expected ${wanted}` : ''}.`,
  };
}

// The innermost block opened and never closed, found from the statements' text.
function unclosedBlock(source: string): Finding | null {
  const stack: Array<{ start: number; text: string; name: string }> = [];
  for (const s of scanStatements(source).filter(isBlockStatement)) {
    if (s.kind === 'open') stack.push(s);
    else if (s.kind === 'close') stack.pop();
  }
  const open = stack.pop();
  if (!open) return null;
  const { line, column } = new LineIndex(source).position(open.start);
  return { line, column, message: `${open.text} is never closed: add {{/${open.name}}} where the block should end.` };
}

export interface AstFindings {
  errors: Finding[];
  warnings: Finding[];
}

export interface VariableReference {
  known: (path: string) => boolean;
  suggest: (path: string) => string | null;
  label: string;
}

// Refused statements, JavaScript internals (errors); undocumented variables, unknown text keys, raw HTML output (warnings).
export function checkAst(ast: hbs.AST.Program, vars: VariableReference, textKeys: ReadonlySet<string>, html: boolean): AstFindings {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const at = (loc: hbs.AST.SourceLocation) => ({ line: loc.start.line, column: loc.start.column + 1 });

  for (const r of refusedStatements(ast)) errors.push({ ...at(r.loc), message: r.message.replace(/^./, (c) => c.toUpperCase()) + '.' });

  type Scope = { base: string | null; params: Map<string, string | null> };
  const resolve = (p: hbs.AST.PathExpression, stack: Scope[]): string | null => {
    if (p.parts.some((part) => INTERNALS.has(part))) return null;
    if (p.data) return p.parts[0] === 'root' ? p.parts.slice(1).join('.') || null : null; // @index, @first, … are fine
    const scope = stack[Math.max(0, stack.length - 1 - p.depth)];
    let base = scope.base;
    let parts = p.parts;
    const param = p.depth === 0 && parts.length ? stack.map((s) => s.params).reverse().find((m) => m.has(parts[0])) : undefined;
    if (param) {
      base = param.get(parts[0]) ?? null;
      parts = parts.slice(1);
    }
    if (base === null) return null;
    return [base, ...parts].filter(Boolean).join('.') || null;
  };
  const checkValue = (node: hbs.AST.Node, stack: Scope[]) => {
    if (node.type === 'PathExpression') {
      const path = node as hbs.AST.PathExpression;
      if (path.parts.some((part) => INTERNALS.has(part))) {
        errors.push({ ...at(node.loc), message: `"${path.original}" refers to JavaScript internals; templates can only read the documented variables.` });
        return;
      }
      const full = resolve(path, stack);
      if (full && !vars.known(full)) {
        const hint = vars.suggest(full);
        warnings.push({
          ...at(node.loc),
          message: `"${(node as hbs.AST.PathExpression).original}" is not a documented variable for ${vars.label} and renders empty${hint ? `; did you mean "${hint}"?` : '.'}`,
        });
      }
    } else if (node.type === 'SubExpression') {
      checkCall(node as hbs.AST.SubExpression, stack);
    }
  };
  const checkCall = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, stack: Scope[]) => {
    const helper = helperName(node);
    if (helper === null) checkValue(node.path, stack);
    node.params.forEach((p) => checkValue(p, stack));
    node.hash?.pairs.forEach((p) => checkValue(p.value, stack));
    if (helper === 't') checkTextKey(node);
    if (helper === 'lookup' && node.params.some((p) => p.type === 'StringLiteral' && INTERNALS.has(String((p as hbs.AST.StringLiteral).value)))) {
      errors.push({ ...at(node.loc), message: 'lookup of a JavaScript internal; templates can only read the documented variables.' });
    }
  };
  const checkTextKey = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression) => {
    const literal: string[] = [];
    for (const p of node.params) {
      if (p.type !== 'StringLiteral' && p.type !== 'NumberLiteral') break;
      literal.push(String((p as hbs.AST.StringLiteral).value));
    }
    const key = literal.join('.');
    const complete = literal.length === node.params.length;
    const exists = complete ? textKeys.has(key) : !key || [...textKeys].some((k) => k.startsWith(key + '.'));
    if (!exists) {
      warnings.push({ ...at(node.loc), message: `"${key}" is not a text key in templates/locales/en.json; {{t}} would print the key itself.` });
    }
  };
  const visit = (program: hbs.AST.Program | undefined, stack: Scope[]) => {
    for (const node of program?.body ?? []) {
      if (node.type === 'MustacheStatement') {
        const m = node as hbs.AST.MustacheStatement;
        checkCall(m, stack);
        if (html && !m.escaped) {
          warnings.push({ ...at(m.loc), message: 'Triple braces output unescaped HTML; use {{…}} unless the value is trusted HTML.' });
        }
      } else if (node.type === 'BlockStatement') {
        const block = node as hbs.AST.BlockStatement;
        checkCall(block, stack);
        const inner = innerScope(block, stack);
        visit(block.program, inner ? [...stack, inner] : stack);
        visit(block.inverse, stack);
      }
    }
  };
  // The context inside a block; null for if/unless, which keep the context and (like Handlebars) add no ../ level.
  const innerScope = (block: hbs.AST.BlockStatement, stack: Scope[]): Scope | null => {
    const helper = helperName(block);
    const target = block.params[0] ?? (helper === null ? block.path : undefined);
    const path = target?.type === 'PathExpression' ? resolve(target as hbs.AST.PathExpression, stack) : null;
    const names = block.program?.blockParams ?? [];
    if (helper === 'each' || (helper === null && path && vars.known(path + '[]'))) {
      const item = path && vars.known(path + '[]') ? path + '[]' : null;
      return { base: item, params: new Map<string, string | null>(names.map((n, i) => [n, i === 0 ? item : null])) };
    }
    if (helper === 'with' || helper === null) return { base: path, params: new Map(names.map((n) => [n, path])) };
    return null;
  };
  visit(ast, [{ base: '', params: new Map() }]);
  return { errors, warnings };
}
