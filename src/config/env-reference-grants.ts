// Which `env:NAME` credential references an organization may resolve (SecretBox). A tenant chooses the name, so the
// environment is closed by default: the operator grants names to organizations, and the service's own settings are
// never resolvable, granted or not.

export interface EnvReferenceRules {
  grants: ReadonlyMap<string, readonly string[]>; // organization id, or '*' for every organization → NAME or NAME_*
  reserved: ReadonlySet<string>; // every setting the service reads (app-config.ts)
}

// Besides the names the config reads: the service's own namespace, and libpq's (pg reads PGPASSWORD and the like).
export const RESERVED_PREFIXES = ['HOSTDIGEST_', 'PG'] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;
const ORG = /^(\*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const isEnvName = (name: string): boolean => NAME.test(name);

export function isReserved(rules: Pick<EnvReferenceRules, 'reserved'>, name: string): boolean {
  return rules.reserved.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

const matches = (pattern: string, name: string) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

export function mayResolve(rules: EnvReferenceRules, organizationId: string, name: string): boolean {
  if (!isEnvName(name) || isReserved(rules, name)) return false;
  const granted = [...(rules.grants.get(organizationId.toLowerCase()) ?? []), ...(rules.grants.get('*') ?? [])];
  return granted.some((p) => matches(p, name));
}

// `<organization id>:NAME1,NAME2;*:SHARED_NAME,ACME_*`. Throws a message for the operator on anything else,
// including a grant that would cover one of the service's own settings.
export function parseEnvReferenceGrants(raw: string | null, reserved: ReadonlySet<string>): EnvReferenceRules {
  const grants = new Map<string, string[]>();
  for (const entry of (raw ?? '').split(';').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const org = entry.slice(0, colon).trim().toLowerCase();
    const names = entry.slice(colon + 1).split(',').map((n) => n.trim()).filter(Boolean);
    if (colon < 0 || !ORG.test(org) || !names.length) {
      throw new Error(`"${entry}" must be <organization id or *>:NAME[,NAME…]`);
    }
    for (const n of names) {
      if (n === '*' || !PATTERN.test(n)) throw new Error(`"${n}" must be a variable name, or a prefix ending in * (such as ACME_*)`);
      const covered =
        [...reserved].find((r) => matches(n, r)) ??
        RESERVED_PREFIXES.filter((p) => n.startsWith(p) || (n.endsWith('*') && p.startsWith(n.slice(0, -1)))).map((p) => `${p}*`)[0];
      if (covered) throw new Error(`"${n}" would grant ${covered}, one of the service's own settings, which are never resolvable`);
    }
    grants.set(org, [...(grants.get(org) ?? []), ...names]);
  }
  return { grants, reserved };
}
