import { classifyMailError, toMailError } from './mail-errors';

describe('classifyMailError', () => {
  it.each([
    [{ responseCode: 550, code: 'EENVELOPE', message: '550 5.1.1 no such user' }, 'permanent'],
    [{ responseCode: 553, code: 'EENVELOPE' }, 'permanent'],
    [{ responseCode: 554, code: 'EMESSAGE' }, 'permanent'],
    [{ responseCode: 421, code: 'EPROTOCOL' }, 'transient'],
    [{ responseCode: 450, code: 'EENVELOPE' }, 'transient'],
    [{ responseCode: 452 }, 'transient'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:2525' }, 'transient'],
    [{ code: 'ECONNECTION' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'ESOCKET' }, 'transient'],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'permanent'],
    [new Error('something odd'), 'transient'],
    [null, 'transient'],
  ])('%j is %s', (err, kind) => {
    expect(classifyMailError(err)).toBe(kind);
  });

  it('keeps the reply code and the rejected recipients', () => {
    const e = toMailError({ responseCode: 550, message: 'Recipient rejected', rejected: ['a@x.example'] });
    expect([e.kind, e.responseCode, e.rejected, e.permanent]).toEqual(['permanent', 550, ['a@x.example'], true]);
  });
});
