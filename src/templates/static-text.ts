import Handlebars from 'handlebars';
import { LineIndex } from './statement-scanner';

// {{t "digest.cta"}} — a literal key, no arguments — renders the same text for every email in a locale. Binding it
// once per (compiled template, locale) leaves per-email Handlebars only the calls that depend on data (half of a
// digest's helper calls, each of which Handlebars wraps and copies its options for). The output is byte-identical:
// the text is escaped exactly as Handlebars escapes a helper's result, and texts that could change the template's
// meaning ({, }, \, empty) are left to the helper.
export function bindStaticText(source: string, ast: hbs.AST.Program, text: (key: string) => string, escape: boolean): string {
  const lines = new LineIndex(source);
  const edits: Array<{ start: number; end: number; value: string }> = [];
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const node of program?.body ?? []) {
      if (node.type === 'BlockStatement') {
        visit((node as hbs.AST.BlockStatement).program);
        visit((node as hbs.AST.BlockStatement).inverse);
      }
      if (node.type !== 'MustacheStatement') continue;
      const m = node as hbs.AST.MustacheStatement;
      const path = m.path as hbs.AST.PathExpression;
      const literal = m.params.length > 0 && m.params.every((p) => p.type === 'StringLiteral' || p.type === 'NumberLiteral');
      if (path.type !== 'PathExpression' || path.original !== 't' || !literal || m.hash?.pairs.length || m.strip.open || m.strip.close) continue;
      const value = text(m.params.map((p) => String((p as hbs.AST.StringLiteral).value)).join('.'));
      if (!value.trim() || /[{}\\]/.test(value)) continue;
      edits.push({
        start: lines.offset(m.loc.start.line, m.loc.start.column),
        end: lines.offset(m.loc.end.line, m.loc.end.column),
        value: escape && m.escaped ? Handlebars.escapeExpression(value) : value,
      });
    }
  };
  visit(ast);
  let out = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return out;
}
