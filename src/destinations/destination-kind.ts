import { ValidationError } from '../errors/domain-error';
import type { FieldSpec } from './config-fields';
import { checkDeliverySettings } from './destination-config';

export type Seal = (value: string, field: string) => string;

// What a destination kind is, declared once: its config fields (which are secrets, which say where credentials go),
// the message types it may subscribe to, and its cross-field rules. The service, the DTO, the views and the Apprise
// parser read it; none of them names a kind.
export interface KindSpec {
  kind: string;
  doc: string;
  fields: Record<string, FieldSpec>;
  subscribes: readonly string[]; // message types it can subscribe to (notification.test needs none)
  signingSecret?: boolean; // a Standard Webhooks signing secret, generated or given, rotatable (webhook)
  // A system the operator runs (billing, helpdesk) rather than a person's channel: never one of a contact's channels.
  operatorSystem?: boolean;
  // The operation a rule action asks of this kind (a ticket, a note, a billable item), checked when the rule is saved:
  // returns the params as stored, or throws a ValidationError naming `${field}.<x>` (field is `actions[i].params`).
  // String values are Handlebars templates over the trigger's variables (checked by the rules), rendered before the
  // adapter gets them in message.event.data.params. Kinds without it take any params object (or none).
  actionParams?: (params: unknown, field: string) => Record<string, unknown>;
  // Rules across fields, on the checked config; has(field) is true for a secret given now or stored before.
  refine?: (config: Record<string, unknown>, has: (field: string) => boolean) => void;
  // A kind that checks its own config (email, webhook: custom header maps sealed inside config).
  check?: (raw: Record<string, unknown>, seal: Seal) => Record<string, unknown>;
  // Config values sealed in place (webhook headers): opened for a send, masked in views.
  sealedMaps?: readonly string[];
}

export interface CheckedConfig {
  config: Record<string, unknown>;
  secrets: Record<string, string>; // sealed (or env:NAME), by field
}

// A kind's config checked and split: plain settings in config, secret fields sealed apart. stored: the secrets kept
// from before (PATCH), which a config that leaves a secret field out keeps.
export function checkKindConfig(spec: KindSpec, raw: unknown, seal: Seal, stored: Record<string, string> = {}): CheckedConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('config', 'config must be an object');
  const c = raw as Record<string, unknown>;
  if (spec.check) return { config: spec.check(c, seal), secrets: {} };
  const known = [...Object.keys(spec.fields), 'retrySchedule'];
  const unknown = Object.keys(c).find((k) => !known.includes(k));
  if (unknown) throw new ValidationError(`config.${unknown}`, `config.${unknown} is not a setting of a ${spec.kind} destination (${known.join(', ')})`);
  const config: Record<string, unknown> = { ...checkDeliverySettings(c) };
  const secrets: Record<string, string> = {};
  for (const [name, f] of Object.entries(spec.fields)) {
    const field = `config.${name}`;
    const v = c[name];
    if (v === undefined || v === null || v === '') {
      if (f.secret && stored[name] && v === undefined) secrets[name] = stored[name];
      else if (f.required) throw new ValidationError(field, `${field} is required: ${f.doc}`);
      continue;
    }
    if (!f.secret) {
      config[name] = f.check(v, field);
      continue;
    }
    if (typeof v !== 'string') throw new ValidationError(field, `${field} must be a string (or an env:NAME reference)`);
    // An env:NAME reference is checked by the secret box now, and its value by the adapter when it is opened.
    secrets[name] = seal(v.startsWith('env:') ? v : (f.check(v, field) as string), field);
  }
  spec.refine?.(config, (name) => secrets[name] !== undefined || config[name] !== undefined);
  return { config, secrets };
}

// Exactly one of two ways to configure a kind (a webhook URL, or a token and what goes with it).
export function oneWay(kind: string, a: string, b: string, has: (f: string) => boolean): void {
  if (has(a) === has(b)) throw new ValidationError(`config.${a}`, `a ${kind} destination takes either config.${a} or config.${b}, ${has(a) ? 'not both' : 'one of them is required'}`);
}

// The kinds' docs as the API documents them: kind → fields, each marked when write-only.
export function describeKinds(specs: Iterable<KindSpec>): string {
  return [...specs]
    .map((s) => `${s.kind}: {${Object.entries(s.fields).map(([n, f]) => `${n}${f.required ? '' : '?'}${f.secret ? ' (secret)' : ''}`).join(', ')}}`)
    .join('; ');
}
