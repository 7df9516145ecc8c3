import { adminKeyText, prettyLine, startSummary, StartFacts } from './boot-text';

describe('prettyLine', () => {
  it('shows time, level, context, message and the error of a pino line', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const line = JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', context: 'Secrets', msg: 'no key', err: { message: 'boom', stack: 'x' } });
    expect(prettyLine(line + '\n')).toBe('03:04:05 warn  Secrets: no key (boom)\n');
    expect(prettyLine(JSON.stringify({ level: 30, time, msg: 'plain' }))).toBe('03:04:05 info  plain\n');
  });

  it('leaves what is not JSON alone', () => {
    expect(prettyLine('not json\n')).toBe('not json\n');
  });
});

describe('startSummary', () => {
  const facts: StartFacts = { url: 'http://127.0.0.1:3000', loopbackOnly: true, roles: ['api', 'worker'], adminKey: null, outboxDir: '/srv/var/outbox', simulator: true };

  it('names the address, the editor, the docs, the outbox, the simulator and how to stop', () => {
    const text = startSummary(facts);
    expect(text).toContain('listening on http://127.0.0.1:3000 (this machine only; HOST=0.0.0.0');
    expect(text).toContain('http://127.0.0.1:3000/admin');
    expect(text).toContain('http://127.0.0.1:3000/docs');
    expect(text).toContain('/srv/var/outbox');
    expect(text).toContain('simulated vendor');
    expect(text).toContain('Ctrl+C');
    expect(text.split('\n').length).toBeLessThan(15);
  });

  it('leaves out what does not apply', () => {
    const text = startSummary({ ...facts, loopbackOnly: false, outboxDir: null, simulator: false, adminKey: 'hd_k' });
    expect(text).not.toContain('this machine only');
    expect(text).not.toMatch(/Outbox|Simulator/);
    expect(text).toContain('Bearer hd_k');
    expect(startSummary({ ...facts, url: null })).toContain('without HTTP (roles: api, worker)');
  });
});

describe('adminKeyText', () => {
  it('shows the key on a line of its own', () => {
    expect(adminKeyText({ id: 'o1', name: 'Default organization' }, 'hd_abc')).toContain('\n    hd_abc\n');
  });
});
