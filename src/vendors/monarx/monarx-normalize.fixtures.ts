// Records and helpers shared by the Monarx normaliser's specs.
import type { NormalizeContext, NormalizeResult } from './monarx-normalize';

export const ctx: NormalizeContext = { agentHosts: new Map([['agent-1', 'web01.example.net']]) };

export const file = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'f-1',
  agent_id: 'agent-1',
  path: '/home/alice/public_html/wp-content/uploads/shell.php',
  home_dir: '/home/alice',
  user: 'alice',
  sha256: 'ab'.repeat(32),
  classification: 'malicious',
  threat_name: 'php.webshell.b374k',
  status: 'detected',
  created_at: '2025-03-01T10:00:00Z',
  updated_at: '2025-03-01T10:00:00Z',
  ...over,
});

export function events(result: NormalizeResult) {
  if (!result.ok) throw new Error(`rejected: ${result.rejected.reason}`);
  return result.events;
}

export function reason(result: NormalizeResult): string {
  if (result.ok) throw new Error('expected a rejection');
  return result.rejected.reason;
}
