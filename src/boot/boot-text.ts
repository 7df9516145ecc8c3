// The few human lines of a start on a terminal: log lines while starting, the admin key, and a summary at the end.

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const two = (n: number) => String(n).padStart(2, '0');

// One pino JSON line as "12:03:04 warn  Secrets: message (error message)"; anything else unchanged.
export function prettyLine(line: string): string {
  let o: { time?: unknown; level?: unknown; context?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    o = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof o !== 'object' || o === null) return line;
  const d = new Date(typeof o.time === 'number' ? o.time : Date.now());
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const level = (LEVELS[o.level as number] ?? String(o.level)).padEnd(5);
  const where = typeof o.context === 'string' ? `${o.context}: ` : '';
  const err = typeof o.err?.message === 'string' ? ` (${o.err.message})` : '';
  return `${time} ${level} ${where}${typeof o.msg === 'string' ? o.msg : ''}${err}\n`;
}

export function adminKeyText(org: { id: string; name: string }, key: string): string {
  return `\n  hostdigest: created organization "${org.name}" (${org.id}) and its admin API key.\n` + `  It is shown only this once; store it now:\n\n    ${key}\n\n`;
}

export interface StartFacts {
  url: string | null; // where the API answers; null: this replica runs no HTTP
  loopbackOnly: boolean;
  roles: string[];
  adminKey: string | null; // shown earlier in this start
  outboxDir: string | null; // null: mail goes to SMTP_URL
  simulator: boolean; // a simulated vendor account is polled
}

export function startSummary(f: StartFacts): string {
  const rows: [string, string][] = [];
  if (f.url) {
    rows.push(['Web editor', `${f.url}/admin`], ['API docs', `${f.url}/docs`]);
    if (f.adminKey) rows.push(['Try', `curl -H "Authorization: Bearer ${f.adminKey}" ${f.url}/v1/organization`]);
  }
  if (f.outboxDir) rows.push(['Outbox', `${f.outboxDir} (mail is written here as .eml files; set SMTP_URL to send it)`]);
  if (f.simulator) rows.push(['Simulator', 'running: a simulated vendor feeds the demo customers with events']);
  rows.push(['Stop', 'Ctrl+C']);
  const head = !f.url
    ? `hostdigest is running without HTTP (roles: ${f.roles.join(', ')})`
    : `hostdigest is listening on ${f.url}` + (f.loopbackOnly ? ' (this machine only; HOST=0.0.0.0 to accept other machines)' : '');
  return (
    `\n  ${head}\n\n` +
    rows.map(([k, v]) => `    ${k.padEnd(12)}${v}\n`).join('') +
    `\n  Log lines from here on are JSON (LOG_FORMAT=json: all of them).\n\n`
  );
}
