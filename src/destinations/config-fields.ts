import { ValidationError } from '../errors/domain-error';

// The building blocks of a destination kind's config spec: each field checks and normalizes its value, or throws a
// ValidationError naming `config.<field>`. Pure (no Nest, no database).

export interface FieldSpec {
  doc: string; // what it is, for the README and error messages
  required?: boolean;
  // Write-only: sealed by the secret box (or an env:NAME reference), kept in the destination's secrets, shown masked,
  // never returned. Left out of a later config, the stored one stays.
  secret?: boolean;
  // Says where the credentials are sent (a server URL): changing it hands them elsewhere (an env:NAME credential:
  // admin only), as a webhook's url does.
  target?: boolean;
  check: (value: unknown, field: string) => unknown;
}

export function text(o: { max?: number; min?: number; pattern?: RegExp; hint?: string } = {}): FieldSpec['check'] {
  const max = o.max ?? 500;
  return (v, field) => {
    if (typeof v !== 'string' || v.length < (o.min ?? 1) || v.length > max || /[\r\n\0]/.test(v)) {
      throw new ValidationError(field, `${field} must be a single-line string of ${o.min ?? 1} to ${max} characters`);
    }
    if (o.pattern && !o.pattern.test(v)) throw new ValidationError(field, `${field} ${o.hint ?? `must match ${o.pattern}`}`);
    return v;
  };
}

// An http(s) URL without credentials in it; forbid(url) names a URL the kind refuses and why.
export function httpUrl(o: { forbid?: (u: URL) => string | null; require?: (u: URL) => string | null } = {}): FieldSpec['check'] {
  return (v, field) => {
    if (typeof v !== 'string' || !v || v.length > 2048) throw new ValidationError(field, `${field} must be an http(s) URL of at most 2048 characters`);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ValidationError(field, `${field} is not a valid URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(field, `${field} must be an http or https URL`);
    if (u.username || u.password) throw new ValidationError(field, `${field} must not carry credentials in the URL; use the credential fields`);
    const refused = o.forbid?.(u) ?? o.require?.(u);
    if (refused) throw new ValidationError(field, `${field}: ${refused}`);
    return v;
  };
}

export function integer(min: number, max: number): FieldSpec['check'] {
  return (v, field) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ValidationError(field, `${field} must be a whole number from ${min} to ${max}`);
    return v;
  };
}

export function oneOf(values: readonly (string | number)[]): FieldSpec['check'] {
  return (v, field) => {
    if (!values.includes(v as string | number)) throw new ValidationError(field, `${field} must be one of ${values.join(', ')}`);
    return v;
  };
}

export function flag(): FieldSpec['check'] {
  return (v, field) => {
    if (typeof v !== 'boolean') throw new ValidationError(field, `${field} must be true or false`);
    return v;
  };
}

export function list(item: FieldSpec['check'], max: number): FieldSpec['check'] {
  return (v, field) => {
    if (!Array.isArray(v) || v.length > max) throw new ValidationError(field, `${field} must be a list of at most ${max} entries`);
    return [...new Set(v.map((x, i) => item(x, `${field}[${i}]`)))];
  };
}
