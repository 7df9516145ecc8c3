import { ValidationError } from '../errors/domain-error';

// Small checks for a kind's actionParams (KindSpec): a 400 naming `actions[i].params.<x>` and why. String values may
// be Handlebars templates (rendered per firing), so a field that ends up a number or a date is checked as such only
// when it holds no `{{`. Pure.

export type Params = Record<string, unknown>;

export const fail = (field: string, message: string): never => {
  throw new ValidationError(field, `${field} ${message}`);
};

const isTemplate = (v: string) => v.includes('{{');

// The params object, with `operation` one of ops and no setting other than those the operation knows.
export function operationParams<Op extends string>(v: unknown, field: string, ops: Record<Op, readonly string[]>): { op: Op; p: Params } {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return fail(field, `must be an object with an operation (${Object.keys(ops).join(', ')})`);
  const p = v as Params;
  const op = p.operation as Op;
  if (typeof op !== 'string' || !Object.prototype.hasOwnProperty.call(ops, op)) return fail(`${field}.operation`, `must be one of ${Object.keys(ops).join(', ')}`);
  const known = ['operation', ...ops[op]];
  const unknown = Object.keys(p).find((k) => !known.includes(k));
  if (unknown) fail(`${field}.${unknown}`, `is not a setting of ${op} (${known.join(', ')})`);
  return { op, p };
}

export function str(p: Params, name: string, field: string, o: { required?: boolean; max?: number; dflt?: string } = {}): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') {
    if (o.required) fail(`${field}.${name}`, 'is required');
    return o.dflt;
  }
  if (typeof v !== 'string') return fail(`${field}.${name}`, 'must be a string (a Handlebars template over the trigger\'s variables)');
  if (v.length > (o.max ?? 10_000)) fail(`${field}.${name}`, `must be at most ${o.max ?? 10_000} characters`);
  return v;
}

export function choice<T extends string>(p: Params, name: string, field: string, values: readonly T[], dflt?: T): T | undefined {
  const v = p[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(`${field}.${name}`, `must be one of ${values.join(', ')}`);
  return v as T;
}

export function bool(p: Params, name: string, field: string, dflt: boolean): boolean {
  const v = p[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') fail(`${field}.${name}`, 'must be true or false');
  return v as boolean;
}

// A whole number id (a department, a staff member), as a number or a numeric string.
export function id(p: Params, name: string, field: string, required: boolean): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return required ? fail(`${field}.${name}`, 'is required (a numeric id)') : undefined;
  if ((typeof v !== 'number' && typeof v !== 'string') || !/^[1-9][0-9]{0,18}$/.test(String(v))) fail(`${field}.${name}`, 'must be a numeric id');
  return String(v);
}

// An amount of money or a quantity: a number ≥ 0 with at most 2 decimals (or a template that renders to one).
export function amount(p: Params, name: string, field: string, o: { required?: boolean; dflt?: string; min?: number } = {}): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return o.required ? fail(`${field}.${name}`, 'is required') : o.dflt;
  if (typeof v === 'string' && isTemplate(v)) return v;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d{1,2})?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < (o.min ?? 0) || n > 1_000_000_000 || Math.round(n * 100) !== n * 100) fail(`${field}.${name}`, `must be a number from ${o.min ?? 0} with at most 2 decimals`);
  return String(v);
}

// After rendering: a value that must be a number (an amount from a template), or the delivery cannot be made.
export function renderedNumber(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}
