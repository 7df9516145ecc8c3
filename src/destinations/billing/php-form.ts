// Form encoding as PHP reads it ($_POST): nested arrays and objects as bracketed names (`attributes[0][label]=…`,
// `vars[lines][0][qty]=1`), booleans as 1/0, null and undefined left out. WHMCS and Blesta both take it. Pure.
export type PhpValue = string | number | boolean | null | undefined | PhpValue[] | { [key: string]: PhpValue };

export function phpForm(params: Record<string, PhpValue>): string {
  const pairs: string[] = [];
  const add = (name: string, v: PhpValue): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) return v.forEach((x, i) => add(`${name}[${i}]`, x));
    if (typeof v === 'object') return Object.entries(v).forEach(([k, x]) => add(`${name}[${k}]`, x));
    const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    pairs.push(`${encodeURIComponent(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(text)}`);
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return pairs.join('&');
}
