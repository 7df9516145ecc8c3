import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadLocaleCatalog, LocaleCatalog } from './locale-catalog';
import { CHANNEL_PARTS, ChannelSource, ChannelTemplateKind, EmailTemplateKind, TemplateSource } from './template-kinds';

// The repository's templates/ folder, found upwards from this file (src/templates or dist/src/templates).
export function defaultTemplatesDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'locales', 'en.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`templates/locales/en.json not found above ${__dirname}`);
  }
}

export function loadDefaultTemplate(kind: EmailTemplateKind, dir = defaultTemplatesDir()): TemplateSource {
  const read = (file: string) => readFileSync(join(dir, kind, file), 'utf8');
  return { subject: read('subject.hbs'), mjml: read('body.mjml'), text: read('body.txt.hbs') };
}

// A channel kind's four parts, one file each (title.hbs, body.hbs, link.hbs, severity.hbs).
export function loadDefaultChannelTemplate(kind: ChannelTemplateKind, dir = defaultTemplatesDir()): ChannelSource {
  return Object.fromEntries(CHANNEL_PARTS.map((p) => [p, readFileSync(join(dir, kind, `${p}.hbs`), 'utf8')])) as unknown as ChannelSource;
}

let catalog: LocaleCatalog | null = null;

// Read once per process; rendering never touches the disk.
export function defaultLocaleCatalog(): LocaleCatalog {
  return (catalog ??= loadLocaleCatalog(join(defaultTemplatesDir(), 'locales')));
}
