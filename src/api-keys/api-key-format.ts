import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Scope } from './api-key.entity';

// hd_<8-char prefix>_<32-char secret>: the prefix identifies the key in lists and logs, the rest is never shown again.
const KEY_RE = /^hd_([a-z0-9]{8})_([A-Za-z0-9_-]{32,})$/;

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(8).toString('hex').slice(0, 8);
  const secret = randomBytes(24).toString('base64url');
  return { key: `hd_${prefix}_${secret}`, prefix: `hd_${prefix}` };
}

// Keys we generate carry their prefix; a key an operator supplied (HOSTDIGEST_ADMIN_KEY) gets one derived from its hash.
export function apiKeyPrefix(key: string): string {
  const m = KEY_RE.exec(key);
  return m ? `hd_${m[1]}` : `hx_${hashApiKey(key).slice(0, 8)}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

// admin ⊃ write ⊃ read
export function scopeAllows(granted: readonly Scope[], needed: Scope): boolean {
  const rank: Record<Scope, number> = { read: 1, write: 2, admin: 3 };
  return granted.some((g) => rank[g] >= rank[needed]);
}
