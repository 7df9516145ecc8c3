import { createHmac, timingSafeEqual } from 'node:crypto';

// The link in every digest that lets a recipient change or stop it without logging in: the customer id and an HMAC
// of it under a key derived from the secret key. It does not expire (a link in a year-old mail must still work);
// it names the customer's subscription and nothing else, so it can only turn digests down, never read data.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(key: Buffer, id: Buffer): Buffer {
  return createHmac('sha256', key).update('unsubscribe:v1:').update(id).digest().subarray(0, 16);
}

export function signUnsubscribeToken(key: Buffer, customerId: string): string {
  if (!UUID.test(customerId)) throw new Error('customer id must be a uuid');
  const id = Buffer.from(customerId.replace(/-/g, ''), 'hex');
  return `${id.toString('base64url')}.${mac(key, id).toString('base64url')}`;
}

// The customer id, or null for anything this service did not sign.
export function verifyUnsubscribeToken(key: Buffer, token: string): string | null {
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return null;
  const id = Buffer.from(m[1], 'base64url');
  const given = Buffer.from(m[2], 'base64url');
  // Only the canonical spelling: the last base64 character has unused bits that would decode the same.
  if (id.length !== 16 || given.length !== 16 || id.toString('base64url') !== m[1] || given.toString('base64url') !== m[2]) return null;
  if (!timingSafeEqual(given, mac(key, id))) return null;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
