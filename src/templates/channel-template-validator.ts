import { BRAND_PLACEHOLDER } from './brand-values';
import { defaultLocaleCatalog } from './default-templates';
import { checkAst, Finding, parseTemplate } from './handlebars-checks';
import { LineIndex } from './statement-scanner';
import { CHANNEL_PARTS, CHANNEL_SOURCE_BYTES, ChannelSource, ChannelTemplateKind } from './channel-template-kinds';
import { ChannelPart } from './template-kinds';
import { Issue, tidy, ValidationResult, variableReference } from './template-validator';

// Save-time validation of a channel template version: the same Handlebars checks as an e-mail template's text part
// (syntax, whitelisted helpers, no partials, unknown variables as warnings), per part, without MJML.
export function validateChannelTemplate(kind: ChannelTemplateKind, source: ChannelSource, onPart?: (part: ChannelPart) => void): ValidationResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  checkParts(kind, source, null, errors, warnings, onPart);
  // A destination kind's own parts are checked as the base ones, each issue naming the kind (channelKind).
  for (const [destinationKind, parts] of Object.entries(source?.byKind ?? {})) checkParts(kind, parts, destinationKind, errors, warnings, onPart);
  return { errors: tidy(errors), warnings: tidy(warnings) };
}

function checkParts(
  kind: ChannelTemplateKind, source: Partial<Record<ChannelPart, string>>, destinationKind: string | null, errors: Issue[], warnings: Issue[], onPart?: (part: ChannelPart) => void,
): void {
  const vars = variableReference(kind);
  const textKeys = new Set(defaultLocaleCatalog().get('en')?.keys() ?? []);
  for (const part of CHANNEL_PARTS) {
    if (destinationKind && source?.[part] === undefined) continue; // an override replaces only the parts it has
    onPart?.(part);
    const text = source?.[part];
    const add = (list: Issue[]) => (f: Finding) => list.push({ part, ...f, ...(destinationKind ? { channelKind: destinationKind, message: `${destinationKind}: ${f.message}` } : {}) });
    if (typeof text !== 'string') {
      errors.push({ part, line: 1, column: 1, message: `The ${part} part is missing.` });
      continue;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > CHANNEL_SOURCE_BYTES) {
      errors.push({ part, line: 1, column: 1, message: `The ${part} is ${bytes.toLocaleString('en-US')} bytes; the limit for a channel part is ${CHANNEL_SOURCE_BYTES.toLocaleString('en-US')} bytes.` });
      continue;
    }
    const lines = new LineIndex(text);
    for (const m of text.matchAll(BRAND_PLACEHOLDER)) {
      add(errors)({ ...lines.position(m.index ?? 0), message: `${m[0]} is bound only in an e-mail's MJML body; write {{brand.${m[1]}}} here.` });
    }
    const parsed = parseTemplate(text);
    if (parsed.error) {
      add(errors)(parsed.error);
      continue;
    }
    const found = checkAst(parsed.ast, vars, textKeys, false);
    found.errors.forEach(add(errors));
    found.warnings.forEach(add(warnings));
  }
}
