import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { toMailError } from './mail-errors';
import type { MailMessage, MailResult } from './mail-message';
import { mailOptions, MailTransport } from './mail-transport';

export interface OutboxEntry {
  file: string;
  size: number;
  createdAt: Date;
  messageId: string | null;
  subject: string | null;
  to: string | null;
  from: string | null;
}

const ORG_HEADER = 'X-Hostdigest-Organization';
const FILE = /^[\w.-]+\.eml$/;

// The embedded default with no SMTP_URL: every message is written as an .eml file (the MIME a server would have
// received) into OUTBOX_DIR, written to a temporary name and renamed so a reader never sees half a message.
export class OutboxTransport extends MailTransport {
  readonly kind = 'outbox' as const;
  private readonly mime: Transporter;
  private seq = 0;

  constructor(readonly dir: string) {
    super();
    this.mime = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(msg: MailMessage): Promise<MailResult> {
    let info: { messageId: string; message: Buffer };
    try {
      const headers = { ...msg.headers, ...(msg.organizationId ? { [ORG_HEADER]: msg.organizationId } : {}) };
      info = (await this.mime.sendMail({ ...mailOptions(msg), headers })) as unknown as { messageId: string; message: Buffer };
    } catch (err) {
      throw toMailError(err);
    }
    await mkdir(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const id = createHash('sha256').update(info.messageId).update(String(process.pid)).update(String(this.seq++)).digest('hex').slice(0, 12);
    const name = `${stamp}-${id}.eml`;
    const tmp = join(this.dir, `.${name}.tmp`);
    await writeFile(tmp, info.message);
    await rename(tmp, join(this.dir, name));
    return { messageId: info.messageId, accepted: [...msg.to], rejected: [] };
  }

  // Newest first; only the messages of one organization when given (others' mail is never listed).
  async list(organizationId: string | null, limit = 100): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => FILE.test(n));
    } catch {
      return [];
    }
    names.sort().reverse();
    const out: OutboxEntry[] = [];
    for (const file of names) {
      if (out.length >= limit) break;
      const path = join(this.dir, file);
      const head = await readHead(path);
      const headers = parseHeaders(head);
      if (organizationId && headers.get(ORG_HEADER.toLowerCase()) !== organizationId) continue;
      const s = await stat(path);
      out.push({
        file,
        size: s.size,
        createdAt: s.mtime,
        messageId: headers.get('message-id') ?? null,
        subject: headers.get('subject') ?? null,
        to: headers.get('to') ?? null,
        from: headers.get('from') ?? null,
      });
    }
    return out;
  }

  async read(organizationId: string | null, file: string): Promise<Buffer | null> {
    if (!FILE.test(file)) return null;
    try {
      const raw = await readFile(join(this.dir, file));
      if (organizationId && parseHeaders(raw.subarray(0, 16_384).toString('utf8')).get(ORG_HEADER.toLowerCase()) !== organizationId) return null;
      return raw;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {}
}

async function readHead(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(16_384);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

// The header block, unfolded; encoded words (=?UTF-8?Q?…?=) decoded for the listing.
function parseHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) {
      const key = line.slice(0, i).trim().toLowerCase();
      if (!map.has(key)) map.set(key, decodeWords(line.slice(i + 1).trim()));
    }
  }
  return map;
}

function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_m, _cs: string, enc: string, text: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}
