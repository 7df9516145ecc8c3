import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from '../config/app-config';
import { mayResolve } from '../config/env-reference-grants';
import { DomainError } from '../errors/domain-error';

const PREFIX = 'v1:';
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

// Who sets a credential: its organization, and the scopes of the API key (an env reference needs admin).
export interface SecretOwner {
  organizationId: string;
  scopes: readonly string[];
}

// One answer for a name the organization may not use and for one that is not set, so that it tells nothing about
// what the environment holds.
const unavailable = (name: string, field?: string) =>
  new DomainError(
    'secret_unavailable',
    `env:${name} is not available to this organization: the operator has not granted it (ENV_REFERENCE_GRANTS) or it is not set`,
    422,
    field,
  );

// Credentials at rest: AES-256-GCM with a key from HOSTDIGEST_SECRET_KEY (or a generated key file under DATA_DIR),
// or an `env:NAME` reference so that an operator can keep a credential only in the environment. A reference resolves
// only a name the operator granted to the credential's organization (config/env-reference-grants.ts), and every
// credential of every feature is opened here, with its organization.
@Injectable()
export class SecretBox {
  private readonly logger = new Logger('Secrets');
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    this.key = this.loadKey();
  }

  // What to store for a credential a caller typed: an env reference stays as it is (if the caller is an admin and the
  // name is available to its organization), anything else is sealed. field names the credential in errors.
  store(input: string, owner: SecretOwner, field?: string): string {
    if (input.startsWith('env:')) {
      const ref = ENV_REF.exec(input);
      if (!ref) throw new DomainError('invalid_secret_reference', `"${input}" is not a valid env:NAME reference`, 400, field);
      this.assertMayReference(owner, field);
      this.resolve(ref[1], owner.organizationId, field);
      return input;
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(input, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join(':');
  }

  // organizationId: whose credential this is; an env reference resolves only as that organization's grants allow.
  open(stored: string, organizationId: string): string {
    const ref = ENV_REF.exec(stored);
    if (ref) return this.resolve(ref[1], organizationId);
    if (!stored.startsWith(PREFIX)) throw new DomainError('secret_unreadable', 'stored secret has an unknown format', 500);
    const [iv, tag, body] = stored.slice(PREFIX.length).split(':').map((p) => Buffer.from(p, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new DomainError('secret_unreadable', 'stored secret cannot be decrypted: was HOSTDIGEST_SECRET_KEY changed?', 500);
    }
  }

  // Changing where stored credentials are sent (a vendor account's baseUrl) hands them to that place: with an env
  // reference among them, only an admin may, as only an admin may set one.
  assertMayRedirect(stored: Iterable<string | null | undefined>, owner: SecretOwner, field?: string): void {
    if ([...stored].some((s) => s && ENV_REF.test(s))) this.assertMayReference(owner, field, 'change where env:NAME credentials are sent');
  }

  private assertMayReference(owner: SecretOwner, field?: string, what = 'set an env:NAME credential reference'): void {
    if (!owner.scopes.includes('admin')) {
      throw new DomainError('forbidden', `only an API key with the "admin" scope may ${what}; send the credential's value instead`, 403, field);
    }
  }

  private resolve(name: string, organizationId: string, field?: string): string {
    const value = mayResolve(this.config.envReferences, organizationId, name) ? this.config.env[name] : undefined;
    if (value === undefined || value === '') throw unavailable(name, field);
    return value;
  }

  // A key for another purpose (e.g. signing unsubscribe links), derived so that the encryption key itself never
  // leaves this class and rotating HOSTDIGEST_SECRET_KEY rotates every derived key with it.
  subkey(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`hostdigest:${purpose}`).digest();
  }

  // What the API shows for a stored credential: never the value.
  describe(stored: string | null | undefined): string | null {
    if (!stored) return null;
    return ENV_REF.test(stored) ? stored : 'encrypted';
  }

  private loadKey(): Buffer {
    const configured = this.config.secrets.key;
    if (configured) return deriveKey(configured);
    const file = this.config.secrets.keyFile;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
      this.logger.warn(
        `HOSTDIGEST_SECRET_KEY is not set: generated an encryption key for stored credentials at ${file}. ` +
          'Back it up and set HOSTDIGEST_SECRET_KEY in production; every replica needs the same key, and losing it makes stored credentials unreadable.',
      );
    }
    return deriveKey(readFileSync(file, 'utf8').trim());
  }
}

// 32 raw bytes in base64 or hex are used as they are; any other passphrase is hashed to 32 bytes.
function deriveKey(material: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(material)) return Buffer.from(material, 'hex');
  const b64 = Buffer.from(material, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(material)) return b64;
  return createHash('sha256').update(material, 'utf8').digest();
}
