import { ValidationError } from '../errors/domain-error';
import { fromAppriseUrl, toAppriseUrl } from './apprise-schemes';
import { checkKindConfig } from './destination-kind';
import { kindSpec } from './destination-kinds';

// URL → the same validated fields as the form → shown back with every secret masked.
const seal = (v: string) => (v.startsWith('env:') ? v : `sealed(${v})`);
const shownAs = (stored: string) => (stored.startsWith('env:') ? stored : 'encrypted');
function roundTrip(url: string) {
  const { kind, config: raw } = fromAppriseUrl(url);
  const { config, secrets } = checkKindConfig(kindSpec(kind), raw, seal);
  return { kind, config, secrets: Object.keys(secrets), shown: toAppriseUrl(kind, config, (f) => (secrets[f] ? shownAs(secrets[f]) : null)) };
}
const error = (url: string) => {
  try {
    roundTrip(url);
  } catch (err) {
    return err instanceof ValidationError ? { field: err.field, message: err.message } : { field: 'not a ValidationError', message: String(err) };
  }
  return null;
};

const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const PO = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const PU = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const AC = 'AC' + '0123456789abcdef'.repeat(2);
const SK = 'SK' + 'fedcba9876543210'.repeat(2);
const OS_APP = '5eb5a37e-b458-11e3-ac11-000c2940e62c';

describe('Apprise URLs', () => {
  it.each([
    ['ntfys://tk_abc123@ntfy.example.com/alerts?priority=high&tags=warning,skull', 'ntfy', { serverUrl: 'https://ntfy.example.com', topic: 'alerts', tags: ['warning', 'skull'] }, ['token'], 'ntfys://****@ntfy.example.com/alerts?tags=warning%2Cskull'],
    ['ntfy://alerts', 'ntfy', { topic: 'alerts' }, [], 'ntfys://ntfy.sh/alerts'],
    ['ntfy://ntfy.lan:8080/ops', 'ntfy', { serverUrl: 'http://ntfy.lan:8080', topic: 'ops' }, [], 'ntfy://ntfy.lan:8080/ops'],
    [`tgram://${BOT}/-1001234567890`, 'telegram', { chatId: '-1001234567890' }, ['botToken'], 'tgram://****/-1001234567890'],
    ['tgram://env:TELEGRAM_TOKEN/@opsroom', 'telegram', { chatId: '@opsroom' }, ['botToken'], 'tgram://env:TELEGRAM_TOKEN/@opsroom'],
    ['slack://T0001/B0001/abcDEF123', 'slack', {}, ['webhookUrl'], 'slack://****'],
    ['slack://xoxb-1234-abcd/#alerts', 'slack', { channel: '#alerts' }, ['botToken'], 'slack://****/#alerts'],
    ['discord://hostdigest@123456789/tok-EN_good', 'discord', { username: 'hostdigest' }, ['webhookUrl'], 'discord://hostdigest@****'],
    ['workflows://prod-12.westeurope.logic.azure.com:443/abc123/sigXYZ', 'teams', {}, ['workflowUrl'], 'workflows://****'],
    ['gchat://AAAA/key-1/token-1', 'googlechat', {}, ['webhookUrl'], 'gchat://****'],
    [`pover://${PU}@${PO}/phone?priority=emergency&sound=siren`, 'pushover', { device: 'phone', sound: 'siren', emergency: true }, ['userKey', 'appToken'], 'pover://****@****/phone?priority=emergency&sound=siren'],
    ['pover://env:PO_USER@env:PO_TOKEN', 'pushover', {}, ['userKey', 'appToken'], 'pover://env:PO_USER@env:PO_TOKEN'],
    ['gotifys://push.example.com/gotify/AppTok.good', 'gotify', { serverUrl: 'https://push.example.com/gotify' }, ['appToken'], 'gotifys://push.example.com/gotify/****'],
    ['pagerduty://R0123456789abcdef0123456789abcde@apikey/hostdigest/scanner?region=eu', 'pagerduty', { region: 'eu', source: 'hostdigest', component: 'scanner' }, ['routingKey'], 'pagerduty://****/hostdigest/scanner?region=eu'],
    ['opsgenie://eb243592-faa2-4ba2-a551-1afdf565c889?region=eu&tags=web,malware', 'opsgenie', { region: 'eu', tags: ['web', 'malware'] }, ['apiKey'], 'opsgenie://****?region=eu&tags=web%2Cmalware'],
    [`twilio://${AC}:tok123@14155550100/447700900123`, 'twilio', { accountSid: AC, from: '+14155550100', to: '+447700900123' }, ['authToken'], `twilio://${AC}:****@+14155550100/+447700900123`],
    [`twilio://${AC}:env:TWILIO_TOKEN@+14155550100?apikey=${SK}`, 'twilio', { accountSid: AC, from: '+14155550100', to: '+14155550100', apiKeySid: SK }, ['authToken'], `twilio://${AC}:env:TWILIO_TOKEN@+14155550100/+14155550100?apikey=${SK}`],
    [`twilio://${AC}:tok123@MG${'a'.repeat(32)}/w:+447700900123`, 'twiliowhatsapp', { accountSid: AC, messagingServiceSid: `MG${'a'.repeat(32)}`, to: '+447700900123' }, ['authToken'], `twilio://${AC}:****@MG${'a'.repeat(32)}/w:+447700900123`],
    [`twilio://${AC}:tok123@+14155550100/+447700900123?method=call`, 'twiliovoice', { accountSid: AC, from: '+14155550100', to: '+447700900123' }, ['authToken'], `twilio://${AC}:****@+14155550100/+447700900123?method=call`],
    ['vonage://a1b2c3d4:s3cret@hostdigest/447700900123?ttl=60000', 'vonage', { apiKey: 'a1b2c3d4', from: 'hostdigest', to: '+447700900123', ttlSeconds: 60 }, ['apiSecret'], 'vonage://a1b2c3d4:****@hostdigest/+447700900123?ttl=60000'],
    ['nexmo://a1b2c3d4:env:VONAGE_SECRET@14155550100/447700900123', 'vonage', { apiKey: 'a1b2c3d4', from: '+14155550100', to: '+447700900123' }, ['apiSecret'], 'vonage://a1b2c3d4:env:VONAGE_SECRET@+14155550100/+447700900123'],
    ['pbul://o.abc123', 'pushbullet', {}, ['accessToken'], 'pbul://****'],
    ['pbul://o.abc123/%23ops-channel', 'pushbullet', { channelTag: 'ops-channel' }, ['accessToken'], 'pbul://****/%23ops-channel'],
    ['pbul://o.abc123/ops@host.example', 'pushbullet', { email: 'ops@host.example' }, ['accessToken'], 'pbul://****/ops@host.example'],
    ['pbul://o.abc123/ujpah72o0sjAoRtnM0jc', 'pushbullet', { deviceIden: 'ujpah72o0sjAoRtnM0jc' }, ['accessToken'], 'pbul://****/ujpah72o0sjAoRtnM0jc'],
    [`onesignal://${OS_APP}@os_v2_key/%23Subscribed%20Users/%23Admins`, 'onesignal', { appId: OS_APP, segments: ['Subscribed Users', 'Admins'] }, ['apiKey'], `onesignal://${OS_APP}@****/%23Subscribed%20Users/%23Admins`],
    [`onesignal://${OS_APP}@env:OS_KEY/@user-1/@user-2`, 'onesignal', { appId: OS_APP, externalIds: ['user-1', 'user-2'] }, ['apiKey'], `onesignal://${OS_APP}@env:OS_KEY/@user-1/@user-2`],
    ['jsons://portal.example.com/hooks/hostdigest', 'webhook', { url: 'https://portal.example.com/hooks/hostdigest', headers: {} }, [], 'jsons://portal.example.com/hooks/hostdigest'],
    ['mailto://?to=ops@host.example,noc@host.example', 'email', { to: ['ops@host.example', 'noc@host.example'] }, [], 'mailto://?to=ops%40host.example%2Cnoc%40host.example'],
  ])('%s → %s', (url, kind, config, secrets, shown) => {
    const r = roundTrip(url);
    expect(r).toEqual({ kind, config, secrets: expect.arrayContaining(secrets), shown });
    expect(r.secrets).toHaveLength(secrets.length);
  });

  it('keeps json:// Basic credentials as a sealed header, never in the URL shown', () => {
    const r = roundTrip('json://user:pw@hooks.example.com:8080/in');
    expect(r.config).toEqual({ url: 'http://hooks.example.com:8080/in', headers: { Authorization: `sealed(Basic ${Buffer.from('user:pw').toString('base64')})` } });
    expect(r.shown).toBe('json://hooks.example.com:8080/in');
  });

  it('answers an unknown scheme with the supported ones, and a malformed URL with the bad part, never echoing the URL', () => {
    expect(error('foo://bar')).toEqual({ field: 'appriseUrl', message: expect.stringMatching(new RegExp('unsupported scheme "foo://"; supported: slack://, discord://.*tgram://')) });
    expect(error('not a url')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('must start with a scheme') });
    expect(error('tgram://secret-token-only')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('tgram://{bot_token}/{chat_id}') });
    expect(error('tgram://secret-token-only')!.message).not.toContain('secret-token-only');
    expect(error('discord://abc/def')).toMatchObject({ field: 'appriseUrl' });
    expect(error('ntfys://user:pass@ntfy.example.com/t')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('access token') });
    expect(error('msteams://team/a/b/c')).toMatchObject({ field: 'appriseUrl', message: expect.stringMatching(new RegExp('retired.*workflows://')) });
    expect(error('mailtos://user:pw@smtp.example.com')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('SMTP_URL') });
    expect(error('ntfys://ntfy.example.com/bad%ZZ')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('percent-encoding') });
    // Fields the URL fills are then checked like the form's, naming config.<field>.
    expect(error('tgram://not-a-token/12345')).toMatchObject({ field: 'config.botToken' });
    expect(error(`pover://${PU}@${PO}?priority=emergency&interval=5`)).toMatchObject({ field: 'config.retrySeconds' });
    expect(error(`twilio://${AC}:tok@+14155550100/+447700900123/+447700900124`)).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('one recipient per destination') });
    expect(error(`twilio://${AC}:tok@+14155550100/w:+447700900123?method=call`)).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('WhatsApp') });
    expect(error('twilio://ACnope:tok@+14155550100/+447700900123')).toMatchObject({ field: 'config.accountSid' });
    expect(error('vonage://key:secret@hostdigest')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('{to_phone}') });
    expect(error(`onesignal://${OS_APP}@key/%23segment/@user`)).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('one kind') });
    expect(error(`onesignal://${OS_APP}@key/a@b.example`)).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('e-mail') });
    expect(error('pbul://tok/dev1/dev2')).toMatchObject({ field: 'appriseUrl', message: expect.stringContaining('at most one target') });
  });
});
