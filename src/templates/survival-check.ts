import Handlebars from 'handlebars';
import { Finding } from './handlebars-checks';
import { isBlockStatement, LineIndex, scanStatements, statementKey } from './statement-scanner';

// The safety net of the one-time MJML compile: every Handlebars statement of the MJML source must come out of MJML
// intact (placeholders at least as often, blocks exactly as often) and the blocks must still parse. Positions are
// the source's. The validator reports these at save time; the renderer refuses to compile a template that fails.
export function lostStatements(mjml: string, html: string): Finding[] {
  const lines = new LineIndex(mjml);
  const source = scanStatements(mjml);
  const out = scanStatements(html).filter((s) => s.kind !== 'comment');
  const left = new Map<string, number>();
  for (const s of out) left.set(statementKey(s), (left.get(statementKey(s)) ?? 0) + 1);
  const found: Finding[] = [];
  for (const s of source.filter((x) => x.kind !== 'comment')) {
    const key = statementKey(s);
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else found.push({ ...lines.position(s.start), message: `${s.text} did not survive the MJML compile (MJML dropped or changed it). Move it into <mj-text>, <mj-table> or <mj-raw> content, or into a string attribute such as href.` });
  }
  for (const s of source.filter(isBlockStatement)) {
    const key = statementKey(s);
    if ((left.get(key) ?? 0) > 0) {
      found.push({ ...lines.position(s.start), message: `MJML copied ${s.text} into its output more than once, which breaks the block. Move the block into <mj-text>, <mj-table> or <mj-raw> content.` });
      left.set(key, 0);
    }
  }
  if (!found.length) {
    try {
      Handlebars.parse(html);
    } catch (e) {
      found.push({ line: 1, column: 1, message: `After the MJML compile the Handlebars blocks no longer parse (${(e as Error).message.split('\n')[0]}). Keep each block inside one <mj-text>, <mj-table> or <mj-raw>.` });
    }
  }
  return found;
}

