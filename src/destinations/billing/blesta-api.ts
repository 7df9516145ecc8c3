import { HttpClient, OutboundHttpError } from '../../http/http-client';
import { BillingApiError, bodyExcerpt, neverConnected } from './billing-api-error';
import { phpForm, PhpValue } from './php-form';

export interface BlestaCredentials {
  url: string; // the Blesta root, e.g. https://billing.example.com (the API is under api/)
  user: string;
  key: string;
}

// The Blesta API: {url}/api/{model}/{method}.json with HTTP Basic (API user : key); GET parameters in the query,
// POST as PHP-style form fields (JSON bodies are not read), named as the model method's arguments (`vars[...]`).
// Success is 200 {"response": …}; errors are {"message", "errors", "response"} with 400 (validation), 401 (credentials),
// 403/404 (method not callable, plugin missing), 5xx, 503 (maintenance).
export class BlestaApi {
  constructor(
    private readonly http: HttpClient,
    private readonly creds: BlestaCredentials,
    private readonly timeoutMs = 30_000,
  ) {}

  get<T>(model: string, method: string, params: Record<string, PhpValue> = {}): Promise<T> {
    return this.call<T>('GET', model, method, params);
  }

  post<T>(model: string, method: string, params: Record<string, PhpValue> = {}): Promise<T> {
    return this.call<T>('POST', model, method, params);
  }

  private async call<T>(verb: 'GET' | 'POST', model: string, method: string, params: Record<string, PhpValue>): Promise<T> {
    const form = phpForm(params);
    const base = `${this.creds.url.replace(/\/+$/, '')}/api/${model}/${method}.json`;
    const what = `Blesta ${model}/${method}`;
    let res;
    try {
      res = await this.http.request({
        method: verb,
        url: verb === 'GET' && form ? `${base}?${form}` : base,
        headers: {
          authorization: `Basic ${Buffer.from(`${this.creds.user}:${this.creds.key}`).toString('base64')}`,
          accept: 'application/json',
          ...(verb === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: verb === 'POST' ? form : undefined,
        timeoutMs: this.timeoutMs,
        maxResponseBytes: 50 * 1024 * 1024,
      });
    } catch (err) {
      if (err instanceof OutboundHttpError) {
        const config = err.code === 'invalid_url' || err.code === 'blocked_destination' || err.code === 'redirect_not_followed';
        throw new BillingApiError(`${what}: ${err.message}`, config ? 'config' : 'transient', err.status, neverConnected(err.detail));
      }
      throw err;
    }
    let parsed: { response?: T; message?: string; errors?: Record<string, Record<string, string>> } | null = null;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      /* judged below */
    }
    if (res.status === 200 && parsed && typeof parsed === 'object' && 'response' in parsed) return parsed.response as T;
    const detail = [parsed?.message, ...Object.values(parsed?.errors ?? {}).flatMap((e) => Object.values(e ?? {}))].filter(Boolean).join('; ');
    const message = `${what}: HTTP ${res.status}${detail ? `: ${detail}` : parsed ? '' : ` (not JSON: ${bodyExcerpt(res.body)})`}`;
    if (res.status === 401 || res.status === 403 || res.status === 404) throw new BillingApiError(`${message} (check the API user, key and URL)`, 'config', res.status);
    if (res.status === 400) throw new BillingApiError(message, 'refused', res.status);
    // 503 is Blesta's maintenance answer, and a page that is not JSON with 200 never reached the API: nothing was done
    throw new BillingApiError(message, 'transient', res.status, res.status === 503 || (res.status < 300 && !parsed));
  }
}
