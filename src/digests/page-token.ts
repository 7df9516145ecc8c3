import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Cadence } from './digest-period';

// The link in a mail to a customer's hosted security page: who (customer id), when the link was made (for expiry and
// revocation, both decided at read time from the brand's TTL and the customer's revocation time, so that the send
// path reads nothing) and which digest period it came from. Signed with an HMAC under a key of its own derived from
// the secret key; the token is the only credential of the page, so it is long (a 128-bit tag) and never logged.
//
// Layout (48 bytes, 64 base64url characters): format 1 | customer id 16 | made at, ms 6 | cadence 1 | period start,
// s 4 | period end, s 4 | tag 16.
export interface PageToken {
  customerId: string;
  issuedAt: Date;
  period: { cadence: Cadence; start: Date; end: Date } | null;
}

const FORMAT = 1;
const PAYLOAD = 32;
const CADENCE_CODES: (Cadence | null)[] = [null, 'daily', 'weekly', 'monthly'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{64}$/;

const tag = (key: Buffer, payload: Buffer) => createHmac('sha256', key).update('customer-page:v1:').update(payload).digest().subarray(0, 16);

export function signPageToken(key: Buffer, t: PageToken): string {
  if (!UUID.test(t.customerId)) throw new Error('customer id must be a uuid');
  const p = Buffer.alloc(PAYLOAD);
  p.writeUInt8(FORMAT, 0);
  Buffer.from(t.customerId.replace(/-/g, ''), 'hex').copy(p, 1);
  p.writeUIntBE(t.issuedAt.getTime(), 17, 6);
  if (t.period) {
    p.writeUInt8(CADENCE_CODES.indexOf(t.period.cadence), 23);
    p.writeUInt32BE(Math.floor(t.period.start.getTime() / 1000), 24);
    p.writeUInt32BE(Math.floor(t.period.end.getTime() / 1000), 28);
  }
  return Buffer.concat([p, tag(key, p)]).toString('base64url');
}

// The token's content, or null for anything this service did not sign.
export function verifyPageToken(key: Buffer, token: string): PageToken | null {
  if (!TOKEN.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // Only the canonical spelling (48 bytes encode to exactly 64 characters, no spare bits, but keep the check cheap).
  if (raw.length !== PAYLOAD + 16 || raw.toString('base64url') !== token) return null;
  const p = raw.subarray(0, PAYLOAD);
  if (!timingSafeEqual(raw.subarray(PAYLOAD), tag(key, p))) return null;
  if (p.readUInt8(0) !== FORMAT) return null;
  const hex = p.subarray(1, 17).toString('hex');
  const cadence = CADENCE_CODES[p.readUInt8(23)];
  const start = p.readUInt32BE(24);
  const end = p.readUInt32BE(28);
  return {
    customerId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    issuedAt: new Date(p.readUIntBE(17, 6)),
    period: cadence && end > start ? { cadence, start: new Date(start * 1000), end: new Date(end * 1000) } : null,
  };
}

export type LinkState = 'valid' | 'expired' | 'revoked';

// Whether a correctly signed link still works: it expires ttlDays after it was made, and a revocation stops every
// link made before it.
export function linkState(issuedAt: Date, now: Date, ttlDays: number, revokedBefore: Date | null): LinkState {
  if (revokedBefore && issuedAt.getTime() < revokedBefore.getTime()) return 'revoked';
  if (now.getTime() >= issuedAt.getTime() + ttlDays * 86_400_000) return 'expired';
  return 'valid';
}
