import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';

const PREFIX = 'v1:';
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

// Credentials at rest: AES-256-GCM with a key from HOSTDIGEST_SECRET_KEY (or a generated key file under DATA_DIR),
// or an `env:NAME` reference so that an operator can keep a credential only in the environment.
@Injectable()
export class SecretBox {
  private readonly logger = new Logger('Secrets');
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    this.key = this.loadKey();
  }

  // What to store for a credential the operator typed: an env reference stays as it is, anything else is sealed.
  store(input: string): string {
    if (input.startsWith('env:')) {
      if (!ENV_REF.test(input)) throw new DomainError('invalid_secret_reference', `"${input}" is not a valid env:NAME reference`, 400);
      return input;
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(input, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join(':');
  }

  open(stored: string): string {
    const ref = ENV_REF.exec(stored);
    if (ref) {
      const value = this.config.env[ref[1]];
      if (value === undefined || value === '') {
        throw new DomainError('secret_unavailable', `environment variable ${ref[1]} is not set on this replica`, 422);
      }
      return value;
    }
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
