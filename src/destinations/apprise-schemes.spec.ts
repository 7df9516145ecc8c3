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
  });
});
