import { MonarxResource as MonarxResourceName } from './monarx-api-shape';
import { agentHostsFrom, normalizeAgentFile, normalizeMonarxRecord } from './monarx-normalize';
import { ctx, events, file } from './monarx-normalize.fixtures';

// Every text field a record's normaliser reads is checked: a value the event store cannot hold rejects that record only.
describe('text the event store cannot hold', () => {
  const proc = { id: 'p-1', agent_id: 'agent-1', pid: 1, user: 'u', command: 'c', path: '/home/u/x', home_dir: '/home/u', classification: 'malicious', action: 'killed', domain: 'u.example', site_id: 's', signature: 'sig', created_at: '2025-03-01T12:00:00Z' };
  const ev = { id: 'e-1', type: 't', agent_id: 'agent-1', created_at: '2025-03-01T12:00:00Z', data: { user: 'u', home_dir: '/home/u', path: '/home/u/x', domain: 'u.example', site_id: 's', agent_id: 'x' } };
  const bad: [string, string, RegExp][] = [
    ['NUL', 'a\u0000b', /contains a NUL character/],
    ['lone surrogate', 'a\ud800b', /unpaired UTF-16 surrogate/],
    ['invalid UTF-8', 'caf\ufffd', /not valid UTF-8/],
  ];
  const cases: [MonarxResourceName, Record<string, unknown>, string][] = [
    ...Object.keys(file({ domain: 'x.example', site_id: 's', signature: 'sig', action: 'cleaned' })).map((k): [MonarxResourceName, Record<string, unknown>, string] => ['agent-file', file({ domain: 'x.example', site_id: 's', signature: 'sig', action: 'cleaned' }), k]),
    ...Object.keys(proc).map((k): [MonarxResourceName, Record<string, unknown>, string] => ['agent-process', proc, k]),
    ...Object.keys(ev).filter((k) => k !== 'data').map((k): [MonarxResourceName, Record<string, unknown>, string] => ['event', ev, k]),
    ...Object.keys(ev.data).map((k): [MonarxResourceName, Record<string, unknown>, string] => ['event', ev, `data.${k}`]),
  ];
  for (const [label, value, why] of bad) {
    it.each(cases.map(([resource, record, field]) => [resource, field, record] as const))(`rejects a %s record with ${label} in %s`, (resource, field, record) => {
      const copy = structuredClone(record);
      const [top, sub] = field.split('.');
      if (sub) (copy[top] as Record<string, unknown>)[sub] = value;
      else copy[top] = value;
      const result = normalizeMonarxRecord(resource, copy, ctx);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.rejected.reason).toMatch(new RegExp(`^${field.replace('.', '\\.')} `));
      expect(result.rejected.reason).toMatch(why);
      expect(result.rejected.externalId).toBe(field === 'id' ? value : copy.id);
      expect(result.rejected.raw).toBe(copy);
    });
  }

  it('leaves such characters alone in fields it does not read (the store keeps them as text in raw)', () => {
    expect(events(normalizeAgentFile(file({ note: 'a\u0000b' }), ctx))).toHaveLength(1);
  });

  it('skips an agent whose host name cannot be stored', () => {
    expect([...agentHostsFrom([{ id: 'a1', host_id: 'h\u0000' }, { id: 'a2', host_id: 'h2' }])]).toEqual([['a2', 'h2']]);
  });
});
