import { BRAND_PLACEHOLDER, bindBrand, isBrandKey, resolveBrand } from './brand-values';
import { defaultLocaleCatalog } from './default-templates';
import { checkAst, Finding, parseTemplate, VariableReference } from './handlebars-checks';
import { compileMjml, MjmlIssue } from './mjml-compiler';
import { findMisplacements } from './mjml-placement';
import { MjElement, scanMjml } from './mjml-structure';
import { SAMPLE_BRAND } from './sample-data';
import { LineIndex, scanStatements } from './statement-scanner';
import { lostStatements } from './survival-check';
import { ALL_PARTS, DEFAULT_LIMITS, TEMPLATE_PARTS, TemplateKind, TemplatePart, TemplateSource } from './template-kinds';
import { TEMPLATE_VARIABLES } from './template-variables';

// Lines and columns are 1-based, as an editor shows them.
export interface Issue {
  part: TemplatePart;
  line: number;
  column: number;
  message: string;
  channelKind?: string; // an issue in a channel template's override for this destination kind (byKind)
}

export interface ValidationResult {
  errors: Issue[];
  warnings: Issue[];
}

// Save-time validation of a template version. Errors block the save; warnings are shown. onPart hears which part
// is being checked (a worker thread reports it, to name the part of a task that ran out of time).
export function validateTemplate(kind: TemplateKind, source: TemplateSource, limits = DEFAULT_LIMITS, onPart?: (part: TemplatePart) => void): ValidationResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const vars = variableReference(kind);
  const textKeys = new Set(defaultLocaleCatalog().get('en')?.keys() ?? []);

  for (const part of TEMPLATE_PARTS) {
    onPart?.(part);
    const text = source[part];
    const add = (list: Issue[]) => (f: Finding) => list.push({ part, ...f });
    if (typeof text !== 'string') {
      errors.push({ part, line: 1, column: 1, message: `The ${part} part is missing.` });
      continue;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.sourceBytes) {
      errors.push({ part, line: 1, column: 1, message: `The ${part} is ${bytes.toLocaleString('en-US')} bytes; the limit is ${limits.sourceBytes.toLocaleString('en-US')} bytes.` });
      continue;
    }
    const lines = new LineIndex(text);
    brandPlaceholders(text, part, lines).forEach(add(errors));
    const parsed = parseTemplate(text);
    if (parsed.error) add(errors)(parsed.error);
    else {
      const found = checkAst(parsed.ast, vars, textKeys, part === 'mjml');
      found.errors.forEach(add(errors));
      found.warnings.forEach(add(warnings));
    }
    if (part === 'mjml') checkMjml(text, lines, !parsed.error).forEach(add(errors));
  }
  return { errors: tidy(errors), warnings: tidy(warnings) };
}

function checkMjml(source: string, lines: LineIndex, parsed: boolean): Finding[] {
  const at = (offset: number, message: string): Finding => ({ ...lines.position(offset), message });
  const refused = [...source.matchAll(/<mj-include\b/gi)].map((m) =>
    at(m.index ?? 0, 'mj-include reads files on the server and is not allowed in templates: paste the content into this template instead.'));
  for (const m of source.matchAll(/(?:src|href|url|background-url)\s*(?:=\s*["']?|\(\s*["']?)\s*file:/gi)) {
    refused.push(at(m.index ?? 0, 'Local file references (file:) are not allowed: use an https:// URL.'));
  }
  if (refused.length) return refused; // nothing below may run on a template that names files

  const statements = scanStatements(source);
  const structure = scanMjml(source);
  const misplaced = [...unclosed(structure.unclosed, at), ...findMisplacements(source, structure, statements).map((m) => at(m.offset, m.message))];
  let compiled: { html: string; errors: MjmlIssue[] };
  try {
    compiled = compileMjml(bindBrand(source, resolveBrand(SAMPLE_BRAND), 'empty'));
  } catch (e) {
    return [...misplaced, { line: 1, column: 1, message: `MJML could not compile this template: ${(e as Error).message}` }];
  }
  const mjml = compiled.errors
    // a placeholder in a colour attribute is fine (soft validation keeps it); placement rules judge the others
    .filter((e) => !e.message.includes('{{'))
    .map((e) => mjmlFinding(e, lines));
  // The safety net: every statement must come out of MJML intact, and the blocks still balanced.
  const survival = misplaced.length || !parsed ? [] : lostStatements(source, compiled.html);
  return [...misplaced, ...mjml, ...survival];
}

// MJML closes what is left open at the end without a word, and drops the content of an unclosed <mj-text>
// (any ending tag): reported once, at the innermost element, which is where the text would vanish.
function unclosed(open: MjElement[], at: (offset: number, message: string) => Finding): Finding[] {
  const inner = open[open.length - 1];
  if (!inner) return [];
  const outer = open.slice(0, -1).reverse().map((e) => `<${e.name}>`);
  const around = outer.length ? ` (nor ${outer.length === 1 ? 'is' : 'are'} ${outer.join(', ')} around it)` : '';
  const lost = inner.content ? ` MJML drops the content of an unclosed <${inner.name}>.` : '';
  return [at(inner.start, `<${inner.name}> is never closed${around}.${lost} Add </${inner.name}> where it ends.`)];
}

function mjmlFinding(e: MjmlIssue, lines: LineIndex): Finding {
  const line = Math.max(1, e.line || 1);
  const column = lines.lineText(line).indexOf(`<${e.tagName}`) + 1 || 1;
  return { line, column, message: `MJML: ${e.message.replace(/\s+$/, '').replace(/([^.])$/, '$1.')}` };
}

function brandPlaceholders(text: string, part: TemplatePart, lines: LineIndex): Finding[] {
  const brand = resolveBrand(SAMPLE_BRAND);
  return [...text.matchAll(BRAND_PLACEHOLDER)].flatMap((m) => {
    const where = lines.position(m.index ?? 0);
    if (part !== 'mjml') return [{ ...where, message: `${m[0]} is bound only in the MJML body; write {{brand.${m[1]}}} in the ${part}.` }];
    if (isBrandKey(brand, m[1])) return [];
    return [{ ...where, message: `${m[0]} is not a brand value; available: ${Object.keys(brand).map((k) => `[[brand.${k}]]`).join(', ')}.` }];
  });
}

const references = new Map<TemplateKind, VariableReference>();

export function variableReference(kind: TemplateKind): VariableReference {
  let ref = references.get(kind);
  if (ref) return ref;
  const documented = TEMPLATE_VARIABLES[kind].map((v) => v.path);
  const known = new Set<string>();
  for (const path of documented) {
    // every prefix: sites, sites[], sites[].domain
    for (const m of path.matchAll(/\[\]|\./g)) known.add(path.slice(0, m[0] === '[]' ? (m.index ?? 0) + 2 : m.index));
    known.add(path);
  }
  const isKnown = (p: string) => known.has(p) || (p.endsWith('.length') && known.has(p.slice(0, -7) + '[]'));
  ref = { known: isKnown, suggest: (p) => closest(p, documented), label: kind };
  references.set(kind, ref);
  return ref;
}

function closest(path: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(3, Math.floor(path.length / 4)) + 1;
  for (const c of candidates) {
    const d = distance(path, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export function tidy(issues: Issue[]): Issue[] {
  const order = (p: TemplatePart) => ALL_PARTS.indexOf(p);
  const unique = new Map(issues.map((i) => [`${i.part}:${i.line}:${i.column}:${i.message}`, i]));
  return [...unique.values()].sort((a, b) => order(a.part) - order(b.part) || a.line - b.line || a.column - b.column);
}
