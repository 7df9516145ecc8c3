import type { TriggerType } from './rule-definition';

// What each trigger gives a message, a dedupe key and an action's parameters to say. A template that names anything
// else could never render, so saving it is refused (400 naming the field).
const COMMON = ['rule', 'group', 'incident', 'firedAt', 'organization', 'customer', 'brand', 'suppressed'];
export const TRIGGER_VARIABLES: Record<TriggerType, readonly string[]> = {
  event: [...COMMON, 'event', 'events', 'more', 'site'],
  threshold: [...COMMON, 'count', 'threshold', 'windowSeconds', 'events', 'more', 'site', 'server'],
  transition: [...COMMON, 'from', 'to', 'state', 'opens', 'update', 'site', 'server', 'events'],
  schedule: [...COMMON, 'period', 'counters'],
};

// `{name}` placeholders of a dedupe key, and the root names of `{{name.path}}` Handlebars expressions.
export function keyVariables(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][\w]*)\}/g)].map((m) => m[1]);
}

// Root names of Handlebars expressions in the template's own context: inside {{#each}} / {{#with}} names belong to the
// item, so only the block's argument is checked there.
export function handlebarsRoots(template: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const m of template.matchAll(/\{\{\{?~?\s*([#/^]?)\s*(@?[A-Za-z_][\w.]*)(?:\s+(@?[A-Za-z_][\w]*))?/g)) {
    const [, sigil, head, arg] = m;
    if (sigil === '/') {
      if (head === 'each' || head === 'with') depth = Math.max(0, depth - 1);
      continue;
    }
    // `{{helper value}}`: the helper is no variable, its argument is
    const name = sigil || arg ? arg : head.split('.')[0];
    if (depth === 0 && name && !name.startsWith('@') && !['else', 'this'].includes(name)) out.push(name);
    if (sigil === '#' && (head === 'each' || head === 'with')) depth++;
  }
  return out;
}

// The first name a template uses that the trigger does not provide, or null.
export function unknownVariable(type: TriggerType, names: readonly string[]): string | null {
  return names.find((n) => !TRIGGER_VARIABLES[type].includes(n)) ?? null;
}

// The dedupe key of a firing: the template with its placeholders filled (unknown ones were refused at save).
export function renderKey(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][\w]*)\}/g, (_, n: string) => vars[n] ?? '');
}
