import { ValidationError } from '../errors/domain-error';
import { httpUrl, integer, text } from './config-fields';
import { checkKindConfig, KindSpec, oneWay } from './destination-kind';
import { DESTINATION_KINDS, kindSpec } from './destination-kinds';

const seal = (v: string) => `sealed(${v})`;
const spec: KindSpec = {
  kind: 'demo',
  doc: 'a demo channel',
  fields: {
    server: { doc: 'server URL', target: true, check: httpUrl() },
    token: { doc: 'API token', secret: true, check: text({ pattern: /^tk_\w+$/, hint: 'must start with tk_' }) },
    hookUrl: { doc: 'hook URL', secret: true, check: httpUrl() },
    room: { doc: 'room', required: true, check: text({ max: 10 }) },
    priority: { doc: 'priority', check: integer(1, 5) },
  },
  subscribes: [],
  refine: (_c, has) => oneWay('demo', 'hookUrl', 'token', has),
};
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ValidationError ? err.field : `not a ValidationError: ${err}`;
  }
  return null;
};

describe('destination kinds: a declared config spec', () => {
  it('splits plain settings from secrets, which are sealed (an env:NAME reference is sealed as it is)', () => {
    expect(checkKindConfig(spec, { room: 'ops', token: 'tk_abc', priority: 3, retrySchedule: [5] }, seal)).toEqual({
      config: { room: 'ops', priority: 3, retrySchedule: [5] },
      secrets: { token: 'sealed(tk_abc)' },
    });
    expect(checkKindConfig(spec, { room: 'ops', token: 'env:DEMO_TOKEN' }, seal).secrets).toEqual({ token: 'sealed(env:DEMO_TOKEN)' });
  });

  it('names config.<field> for an unknown, missing or bad setting, and for a cross-field rule', () => {
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops', token: 'tk_a', colour: 'red' }, seal))).toBe('config.colour');
    expect(fieldOf(() => checkKindConfig(spec, { token: 'tk_a' }, seal))).toBe('config.room');
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops', token: 'abc' }, seal))).toBe('config.token');
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops', token: 'tk_a', priority: 9 }, seal))).toBe('config.priority');
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops', token: 'tk_a', server: 'ftp://x' }, seal))).toBe('config.server');
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops' }, seal))).toBe('config.hookUrl');
    expect(fieldOf(() => checkKindConfig(spec, { room: 'ops', token: 'tk_a', hookUrl: 'https://h.example/x' }, seal))).toBe('config.hookUrl');
  });

  it('keeps a stored secret that a later config leaves out (write-only fields cannot be sent back)', () => {
    const stored = { token: 'sealed(tk_old)' };
    expect(checkKindConfig(spec, { room: 'dev' }, seal, stored)).toEqual({ config: { room: 'dev' }, secrets: { token: 'sealed(tk_old)' } });
    expect(checkKindConfig(spec, { room: 'dev', token: 'tk_new' }, seal, stored).secrets).toEqual({ token: 'sealed(tk_new)' });
  });

  it('knows email and webhook as before, and refuses an unknown kind naming the known ones', () => {
    expect(DESTINATION_KINDS).toEqual(expect.arrayContaining(['email', 'webhook']));
    expect(checkKindConfig(kindSpec('email'), { to: ['a@b.example'] }, seal)).toEqual({ config: { to: ['a@b.example'] }, secrets: {} });
    expect(fieldOf(() => kindSpec('carrier-pigeon'))).toBe('kind');
  });
});
