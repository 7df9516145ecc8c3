// In-memory records of one fake Monarx resource, kept sorted by (timestamp key, insertion seq) so that a poll is a
// binary search plus a slice. Generated records are stored as a key and a seq only and built when served, so that a
// 200,000-record benchmark costs tens of megabytes rather than hundreds.

export type FakeResource = 'agent' | 'agent-file' | 'agent-process' | 'event';

export interface GenBatch {
  resource: FakeResource;
  agentIds: string[];
}

export interface Item {
  key: number; // ms since epoch of the record's sort timestamp; insertion seq for agents
  seq: number; // unique per store, tie-breaker and generated id
  record: unknown; // as added; undefined while a generated record is not materialized
  batch: GenBatch | null;
}

export class FakeStore {
  items: Item[] = [];
  private sorted = true;
  private nextSeq = 1;

  // keyField: the record's timestamp the vendor sorts and filters on; null orders by insertion (agents).
  constructor(
    readonly resource: FakeResource,
    readonly keyField: string | null,
  ) {}

  add(record: unknown, keyOverride?: number): Item {
    const seq = this.nextSeq++;
    return this.append({ key: keyOverride ?? this.keyOf(record, seq), seq, record, batch: null });
  }

  addGenerated(key: number, batch: GenBatch): void {
    this.append({ key, seq: this.nextSeq++, record: undefined, batch });
  }

  view(): Item[] {
    if (!this.sorted) {
      this.items.sort(compare);
      this.sorted = true;
    }
    return this.items;
  }

  maxKey(): number {
    const items = this.view();
    return items.length ? items[items.length - 1].key : 0;
  }

  find(id: string): Item | undefined {
    return this.items.find((item) => idOf(item) === id);
  }

  // Moves one item to its new key position: a splice, not a full re-sort.
  rekey(item: Item, key: number): void {
    const items = this.view();
    items.splice(items.indexOf(item), 1);
    item.key = key;
    items.splice(afterIndex(items, key, item.seq), 0, item);
  }

  private append(item: Item): Item {
    const last = this.items[this.items.length - 1];
    if (last && compare(last, item) > 0) this.sorted = false;
    this.items.push(item);
    return item;
  }

  // An unparseable timestamp sorts at the time the fake received it, as a vendor storing its own column would.
  private keyOf(record: unknown, seq: number): number {
    if (this.keyField === null) return seq;
    const value = isRecord(record) ? record[this.keyField] : undefined;
    const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
    return Number.isFinite(ms) ? ms : Date.now();
  }
}

export function compare(a: Item, b: Item): number {
  return a.key - b.key || a.seq - b.seq;
}

// First index whose key is >= key.
export function lowerBound(items: Item[], key: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// First index ordered after (key, seq): where a keyset cursor resumes.
export function afterIndex(items: Item[], key: number, seq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const it = items[mid];
    if (it.key < key || (it.key === key && it.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function idOf(item: Item): string | undefined {
  if (item.batch) return `${PREFIX[item.batch.resource]}-${item.seq}`;
  if (!isRecord(item.record)) return undefined;
  const id = item.record.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

export function materialize(item: Item): unknown {
  if (!item.batch) return item.record;
  const n = item.seq;
  const at = new Date(item.key).toISOString();
  const agentIds = item.batch.agentIds;
  const agentId = agentIds.length ? agentIds[n % agentIds.length] : 'agent-unknown';
  const user = `user${n % 997}`;
  const id = idOf(item);
  switch (item.batch.resource) {
    case 'agent-file': {
      const classification = CLASSIFICATIONS[n % CLASSIFICATIONS.length];
      const status = FILE_STATUSES[n % FILE_STATUSES.length];
      return {
        id,
        agent_id: agentId,
        path: `/home/${user}/public_html/wp-content/uploads/f${n}.php`,
        home_dir: `/home/${user}`,
        user,
        sha256: hex64(n),
        classification,
        threat_name: `php.${classification}.gen-${n % 50}`,
        status,
        created_at: status === 'detected' ? at : new Date(item.key - 60_000).toISOString(),
        updated_at: at,
      };
    }
    case 'agent-process':
      return {
        id,
        agent_id: agentId,
        pid: 1000 + (n % 30000),
        user,
        command: `/usr/bin/php /home/${user}/tmp/x${n}.php`,
        classification: 'malicious',
        action: n % 2 ? 'killed' : 'blocked',
        created_at: at,
      };
    case 'event':
      return { id, type: EVENT_TYPES[n % EVENT_TYPES.length], agent_id: agentId, created_at: at, data: { user } };
    case 'agent':
      return { id, host_id: `host-${n}.example.test`, tags: ['generated'], status: 'online', last_seen_at: at, version: '4.2.0' };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PREFIX: Record<FakeResource, string> = { agent: 'agent', 'agent-file': 'file', 'agent-process': 'proc', event: 'evt' };
const CLASSIFICATIONS = ['malicious', 'compromised', 'suspicious', 'pua', 'vulnerable'];
const FILE_STATUSES = ['detected', 'quarantined', 'deleted', 'cleaned', 'restored', 'ignored'];
const EVENT_TYPES = ['protection_enabled', 'protection_disabled', 'agent_stale', 'agent_recovered', 'settings_changed'];

function hex64(n: number): string {
  let out = '';
  let x = (n + 1) >>> 0;
  for (let i = 0; i < 8; i++) {
    x = Math.imul(x ^ (x >>> 15), 2654435761) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out;
}
