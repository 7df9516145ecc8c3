import { classifyMailError, mailFailureReason, mailSendLabels, toMailError } from './mail-errors';

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

describe('mailFailureReason', () => {
  it.each([
    // nodemailer replaces a refused connect's code with ESOCKET and keeps the socket's text
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:2525' }, 'connection_refused'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:25' }, 'connection_refused'],
    [{ code: 'ESOCKET', message: 'connect ETIMEDOUT 10.0.0.1:25' }, 'connection_timeout'],
    [{ code: 'ETIMEDOUT', message: 'Connection timeout' }, 'connection_timeout'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'timeout'],
    [{ code: 'ETIMEDOUT', message: 'Timeout' }, 'timeout'],
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'connection_lost'],
    [{ code: 'ESOCKET', message: 'read ECONNRESET' }, 'connection_lost'],
    [{ code: 'ESOCKET', message: 'connect EHOSTUNREACH 10.0.0.1:25' }, 'unreachable'],
    [{ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.invalid' }, 'dns'],
    [{ code: 'ETLS', message: 'Error initiating TLS' }, 'tls'],
    [{ code: 'EAUTH', responseCode: 535, message: 'Invalid login' }, 'auth'],
    [{ code: 'EENVELOPE', responseCode: 451, message: '451 try later' }, 'deferred'],
    [{ code: 'EENVELOPE', responseCode: 550, message: '550 no such user' }, 'rejected'],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'invalid_message'],
    [new Error('something odd'), 'other'],
  ])('%j is %s', (err, reason) => {
    expect(mailFailureReason(err)).toBe(reason);
  });

  it('says what it was in the message that is recorded', () => {
    const e = toMailError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:2525' });
    expect([e.message, e.reason, e.kind]).toEqual(['connection refused: connect ECONNREFUSED 127.0.0.1:2525', 'connection_refused', 'transient']);
  });
});

describe('mailSendLabels', () => {
  it('labels a send by what the caller does next and why', () => {
    expect(mailSendLabels(null)).toEqual({ outcome: 'sent', reason: 'none' });
    expect(mailSendLabels({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:2525' })).toEqual({ outcome: 'retry', reason: 'connection_refused' });
    expect(mailSendLabels({ code: 'ETIMEDOUT', message: 'Greeting never received' })).toEqual({ outcome: 'retry', reason: 'timeout' });
    expect(mailSendLabels({ code: 'EENVELOPE', responseCode: 550, message: '550 no such user' })).toEqual({ outcome: 'failed', reason: 'rejected' });
    expect(mailSendLabels({ code: 'EENVELOPE', responseCode: 451, message: '451 try later' })).toEqual({ outcome: 'retry', reason: 'deferred' });
  });
});
