import { HttpClient, OutboundHttpError } from '../../http/http-client';
import { BillingApiError, bodyExcerpt, neverConnected } from './billing-api-error';
import { phpForm, PhpValue } from './php-form';

export interface WhmcsCredentials {
  url: string; // the WHMCS root, e.g. https://billing.example.com (api.php is under includes/)
  identifier: string;
  secret: string;
  accessKey?: string | null; // $api_access_key of configuration.php, for callers not on the IP allow-list
}

// The classic WHMCS API: POST {url}/includes/api.php, PHP-style form fields, action + identifier/secret (+ accesskey)
// + responsetype=json. Errors come back as HTTP 200 with result=error, so the answer is judged by `result`, never by
// the status; an IP not allow-listed is a 403 with "Invalid IP …"; a body that is not JSON (a maintenance or login
// page) is an error too. Values come back as strings ("id":"1"): callers read them as such.
export class WhmcsApi {
  constructor(
    private readonly http: HttpClient,
    private readonly creds: WhmcsCredentials,
    private readonly timeoutMs = 30_000,
  ) {}

  async call<T extends object = Record<string, unknown>>(action: string, params: Record<string, PhpValue> = {}): Promise<T> {
    const body = phpForm({
      action, identifier: this.creds.identifier, secret: this.creds.secret, accesskey: this.creds.accessKey ?? undefined, responsetype: 'json', ...params,
    });
    let res;
    try {
      res = await this.http.request({
        method: 'POST',
        url: `${this.creds.url.replace(/\/+$/, '')}/includes/api.php`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        timeoutMs: this.timeoutMs,
        maxResponseBytes: 50 * 1024 * 1024,
      });
    } catch (err) {
      if (err instanceof OutboundHttpError) {
        const config = err.code === 'invalid_url' || err.code === 'blocked_destination' || err.code === 'redirect_not_followed';
        throw new BillingApiError(`WHMCS ${action}: ${err.message}`, config ? 'config' : 'transient', err.status, neverConnected(err.detail));
      }
      throw err;
    }
    let parsed: { result?: string; message?: string } | null = null;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      /* judged below */
    }
    const message = typeof parsed?.message === 'string' ? parsed.message : null;
    if (res.status === 403 || (message && /invalid ip|authentication failed|invalid (api )?(identifier|credentials|access key)/i.test(message))) {
      throw new BillingApiError(`WHMCS ${action}: ${message ?? `HTTP ${res.status}`} (check the API credentials and the IP allow-list or access key)`, 'config', res.status);
    }
    if (res.status >= 500) throw new BillingApiError(`WHMCS ${action}: HTTP ${res.status}${message ? `: ${message}` : ''}`, 'transient', res.status, res.status === 503);
    if (!parsed || typeof parsed !== 'object') {
      // a maintenance or login page with 200: WHMCS itself never ran the action
      throw new BillingApiError(`WHMCS ${action}: the answer is not JSON (HTTP ${res.status}: ${bodyExcerpt(res.body)})`, 'transient', res.status, res.status < 300);
    }
    if (parsed.result !== 'success') throw new BillingApiError(`WHMCS ${action}: ${message ?? `result ${parsed.result ?? 'missing'}`}`, 'refused', res.status);
    return parsed as T;
  }
}
