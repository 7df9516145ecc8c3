import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// src/admin/static, found upwards from this file: tsc does not copy it to dist/, so dist/src/admin finds the source.
export function adminStaticDir(from = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'admin', 'static');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

// The editor's files, read once at start: a request can only ever name one of them, never a path.
@Injectable()
export class AdminAssets {
  private readonly files = new Map<string, Asset>();

  constructor() {
    const dir = adminStaticDir();
    // The service's work does not depend on the editor: without its files /admin answers 404 and says why here.
    if (!dir) {
      new Logger('Admin').error(`src/admin/static not found above ${__dirname}: the web editor at /admin is unavailable (copy src/admin/static next to dist/)`);
      return;
    }
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type || !/^[\w.-]+$/.test(name)) continue;
      const body = readFileSync(join(dir, name));
      this.files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    }
  }

  get(name: string): Asset | undefined {
    return this.files.get(name);
  }
}
