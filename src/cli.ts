#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeysService } from './api-keys/api-keys.service';
import { Scope, SCOPES } from './api-keys/api-key.entity';
import { loadConfig } from './config/app-config';
import { Database } from './db/database';
import { OrganizationsService } from './organizations/organizations.service';

const USAGE = `hostdigest <command>

  migrate                                   run pending database migrations
  org create --name <name>                  create an organization and print its admin API key
  org list                                  list organizations
  key create --org <id> --name <name> [--scopes read,write,admin]
                                            create an API key (printed once)
  key revoke --org <id> --id <key id>       revoke an API key

Uses DATABASE_URL (or the embedded database under DATA_DIR), like the service.`;

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, org: { type: 'string' }, id: { type: 'string' }, scopes: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const db = await Database.open(loadConfig(), { runMigrations: true });
  try {
    const orgs = new OrganizationsService(db);
    const keys = new ApiKeysService(db);
    switch (command) {
      case 'migrate':
        console.log('database is up to date');
        return 0;
      case 'org create': {
        const org = await orgs.create(required(values.name, '--name'));
        const { key } = await keys.create(org.id, 'admin', ['admin']);
        console.log(`organization ${org.id} "${org.name}"\nadmin API key (shown once): ${key}`);
        return 0;
      }
      case 'org list':
        for (const o of await orgs.list()) console.log(`${o.id}  ${o.isDefault ? '(default) ' : ''}${o.name}`);
        return 0;
      case 'key create': {
        const org = await orgs.get(required(values.org, '--org'));
        const scopes = (values.scopes ?? 'read').split(',').map((s) => s.trim());
        const bad = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
        if (bad) throw new Error(`unknown scope "${bad}" (known: ${SCOPES.join(', ')})`);
        const { apiKey, key } = await keys.create(org.id, required(values.name, '--name'), scopes as Scope[]);
        console.log(`key ${apiKey.id} (${apiKey.prefix}, ${apiKey.scopes.join(',')}) for ${org.name}\nAPI key (shown once): ${key}`);
        return 0;
      }
      case 'key revoke': {
        const k = await keys.revoke(required(values.org, '--org'), required(values.id, '--id'));
        console.log(`revoked ${k.prefix} at ${k.revokedAt?.toISOString()}`);
        return 0;
      }
      default:
        console.error(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.close();
  }
}

function required(v: string | undefined, flag: string): string {
  if (!v) throw new Error(`${flag} is required`);
  return v;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  },
);
