// Monarx-shaped records for tests, per ../shared/vendor-api.md.
export const AGENT = { id: 'agent-1', host_id: 'web01.example.test', tags: ['eu'], status: 'online', last_seen_at: '2026-11-20T00:00:00Z', version: '4.2.0' };

export function files(n: number, opts: { start: Date; prefix?: string; status?: string; spacingMs?: number; user?: string }) {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(opts.start.getTime() + i * (opts.spacingMs ?? 1000)).toISOString();
    const user = opts.user ?? `user${i % 5}`;
    return {
      id: `${opts.prefix ?? 'f'}${i}`,
      agent_id: AGENT.id,
      path: `/home/${user}/public_html/wp-content/uploads/x${i}.php`,
      home_dir: `/home/${user}`,
      user,
      sha256: 'ab'.repeat(32),
      classification: i % 3 === 0 ? 'malicious' : 'suspicious',
      threat_name: 'php.webshell.generic',
      status: opts.status ?? 'detected',
      created_at: at,
      updated_at: at,
    };
  });
}

export const detectionIds = (recs: { id: string }[]) => recs.map((r) => `agent-file:${r.id}:detected`);
