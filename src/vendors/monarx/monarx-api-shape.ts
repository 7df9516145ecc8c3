// Every Monarx path, parameter, header and record field name the connector uses, in one place.
// Monarx has renamed filter fields without notice (agent.tags== → tags== → all_tags==), so a vendor account's
// settings JSON may carry a partial override of this object; a vendor change is then one edit, not a release.
//
// Confirmed by public integrations: base URL, the /enterprise/{enterpriseId}/ prefix, the agent path, the two auth
// headers, the `filter` parameter (RSQL), the HAL `_embedded.items` list, agent `id` and `host_id`.
// Everything else is the assumed working shape from vendor-api.md and is marked "assumed" below.

export const MONARX_RESOURCES = ['agent', 'agent-file', 'agent-process', 'event'] as const;
export type MonarxResource = typeof MONARX_RESOURCES[number];

export interface MonarxResourceShape {
  path: string; // appended to the enterprise path
  sinceField: string | null; // RSQL field compared with =ge= for incremental polls; null lists everything
  sortField: string | null; // sorted ascending; null leaves the vendor's order
}

const RESOURCES: Record<MonarxResource, MonarxResourceShape> = {
  agent: { path: 'agent', sinceField: null, sortField: null }, // path confirmed
  'agent-file': { path: 'agent-file', sinceField: 'updated_at', sortField: 'updated_at' }, // path confirmed, fields assumed
  'agent-process': { path: 'agent-process', sinceField: 'created_at', sortField: 'created_at' }, // assumed
  event: { path: 'event', sinceField: 'created_at', sortField: 'created_at' }, // assumed
};

export const MONARX_API_SHAPE = deepFreeze({
  baseUrl: 'https://api.monarx.com/v1', // confirmed
  enterprisePath: '/enterprise/{enterpriseId}', // confirmed
  headers: {
    apiId: 'x-api-id', // confirmed: carries the API key
    apiKey: 'x-api-key', // confirmed: carries the API secret
  },
  query: {
    filter: 'filter', // confirmed
    sort: 'sort', // assumed, Spring style `field,asc`
    page: 'page', // assumed, 0-based
    size: 'size', // assumed
  },
  pageSize: 100, // assumed vendor maximum
  firstPage: 0, // assumed (Spring Data pages start at 0)
  envelope: {
    embedded: '_embedded', // confirmed
    items: 'items', // confirmed
    links: '_links', // assumed (HAL)
    next: 'next', // assumed (HAL)
    page: 'page', // assumed (Spring Data REST page metadata)
    pageNumber: 'number',
    totalPages: 'totalPages',
  },
  resources: RESOURCES,
  // Record fields. A list means "first one present wins", for fields seen under two names.
  fields: {
    agent: {
      id: 'id', // confirmed
      hostId: 'host_id', // confirmed
      tags: 'tags',
      status: 'status',
      lastSeenAt: 'last_seen_at',
      version: 'version',
    },
    agentFile: {
      id: 'id',
      agentId: 'agent_id',
      path: 'path',
      homeDir: 'home_dir',
      user: 'user',
      sha256: 'sha256',
      classification: 'classification',
      threatName: ['threat_name', 'signature'],
      action: ['action', 'status'],
      createdAt: 'created_at',
      updatedAt: 'updated_at',
      domain: 'domain', // only if present; no domain field is confirmed
      siteId: 'site_id', // not documented at all; read only if present
    },
    agentProcess: {
      id: 'id',
      agentId: 'agent_id',
      pid: 'pid',
      user: 'user',
      command: 'command',
      path: 'path',
      homeDir: 'home_dir', // only if present
      domain: 'domain', // only if present, as on file records
      siteId: 'site_id', // not documented at all; read only if present
      classification: 'classification',
      threatName: ['threat_name', 'signature'],
      action: ['action', 'status'],
      createdAt: 'created_at',
    },
    event: {
      id: 'id',
      type: 'type',
      agentId: 'agent_id',
      createdAt: 'created_at',
      data: 'data', // free-form; user, home_dir, path and domain are also looked for inside it
    },
  },
});

export type MonarxApiShape = typeof MONARX_API_SHAPE;

export type MonarxApiShapeOverrides = DeepPartial<MonarxApiShape>;
type DeepPartial<T> = {
  -readonly [K in keyof T]?: T[K] extends readonly string[] ? string[] | string : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

// Overrides come from operator-edited JSON, so they are checked against the defaults: an unknown key or a wrong type
// is an error naming its path rather than a silently ignored typo.
export function resolveMonarxApiShape(overrides?: unknown): MonarxApiShape {
  if (overrides === undefined || overrides === null) return MONARX_API_SHAPE;
  return merge(MONARX_API_SHAPE, overrides, 'monarx') as MonarxApiShape;
}

function merge(base: unknown, patch: unknown, path: string): unknown {
  if (isPlainObject(base)) {
    if (!isPlainObject(patch)) throw new TypeError(`${path} must be an object`);
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (!Object.hasOwn(base, key)) throw new TypeError(`${path}.${key} is not a Monarx API setting`);
      out[key] = merge(base[key], value, `${path}.${key}`);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (typeof patch === 'string' && patch !== '') return [patch];
    if (Array.isArray(patch) && patch.length > 0 && patch.every((v) => typeof v === 'string' && v !== '')) return patch;
    throw new TypeError(`${path} must be a field name or a non-empty list of field names`);
  }
  if (typeof base === 'number') {
    const min = path.endsWith('pageSize') ? 1 : 0;
    if (typeof patch === 'number' && Number.isInteger(patch) && patch >= min) return patch;
    throw new TypeError(`${path} must be an integer of at least ${min}`);
  }
  // strings, and the nullable sinceField/sortField
  if (typeof patch === 'string' && patch !== '') return patch;
  if (patch === null && (base === null || path.endsWith('Field'))) return null;
  throw new TypeError(`${path} must be a non-empty string`);
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
