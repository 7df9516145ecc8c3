import { Injectable } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// src/admin/static, found upwards from this file: tsc does not copy it to dist/, so dist/src/admin finds the source.
export function adminStaticDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'admin', 'static');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`src/admin/static/index.html not found above ${__dirname}`);
  }
}

// The editor's files, read once at start: a request can only ever name one of them, never a path.
@Injectable()
export class AdminAssets {
  private readonly files = new Map<string, Asset>();

  constructor() {
    const dir = adminStaticDir();
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type && /^[\w.-]+$/.test(name)) this.files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }

  get(name: string): Asset | undefined {
    return this.files.get(name);
  }
}
