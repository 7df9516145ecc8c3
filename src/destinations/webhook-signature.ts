import { createHmac } from 'node:crypto';
import { signingKey } from './destination-config';

// Standard Webhooks: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"> keyed by the secret's base64 part decoded;
// several secrets (a rotation's overlap) give several signatures, space-separated.
export function webhookSignature(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => `v1,${createHmac('sha256', signingKey(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`).join(' ');
}
