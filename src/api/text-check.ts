// Input that PostgreSQL cannot store: a NUL character (text and jsonb refuse it) and a lone UTF-16 surrogate (text
// silently turns it into U+FFFD, jsonb refuses its \u escape). Checked once for every request, so no endpoint answers
// 500 for it; pushed events call findInvalidText per item instead (a bad item is that item's rejection).

export const MAX_JSON_DEPTH = 64;

export interface TextProblem {
  field: string; // the path in the body or query: `name`, `sites[2].domains[0]`, `events[3].raw.path`
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Why a string cannot be stored, or null when it can.
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which text may not contain';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode';
  return null;
}

// The first string (value or object key) in a parsed JSON value, query or form that cannot be stored, named by its path.
// Iterative, so that no nesting depth can overflow the stack.
export function findInvalidText(value: unknown, path = ''): TextProblem | null {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { field: p || 'body', message: `${p || 'the body'} ${problem}` };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${p}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i];
        const keyProblem = textProblem(k);
        const name = keyProblem ? printable(k) : k;
        const childPath = p ? `${p}.${name}` : name;
        if (keyProblem) return { field: childPath, message: `the field name "${childPath}" ${keyProblem}` };
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

// A field name that is itself the problem, written so that the answer (and a log line) carries no NUL.
function printable(s: string): string {
  return s.replace(/[\u0000\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// How deeply the JSON text nests arrays and objects, counted before parsing: a linear scan that stops as soon as the
// limit is passed. (V8's JSON.parse takes any depth, but the validation pipe and class-transformer recurse.)
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

// The index of the quote that closes the string opening at `open` (indexOf skips long strings natively); a quote
// after an odd number of backslashes is part of the string.
function stringEnd(text: string, open: number): number {
  let q = open;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
