import { HttpClient } from '../../http/http-client';
import { Destination, DestinationAdapterClass, DestinationError, DestinationResult, OutboundDelivery, DestinationTarget } from '../destination';
import { BillingApiError } from './billing-api-error';
import { BlestaApi } from './blesta-api';
import { WhmcsApi } from './whmcs-api';

const TEST = 'notification.test';

// What a billing destination does with a message. The operator's test checks the credentials with a harmless read
// (the first client), so the answer says at once whether the URL, credentials and IP allow-list are right. Rule
// actions (tickets, notes, billable items) are the billing issue's, on these same clients.
abstract class BillingDestination extends Destination {
  constructor(protected readonly http: HttpClient) {
    super();
  }

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    if (!d.target) throw new DestinationError('the destination of this delivery was deleted', true);
    const request = { kind: this.kind, url: d.target.config.url, type: d.message.event?.type ?? null };
    if (d.message.event?.type !== TEST) {
      throw new DestinationError(`a ${this.kind} destination takes rule actions (tickets, notes, billable items), not ${d.message.event?.type ?? 'this message'}`, true, request);
    }
    try {
      return { request: { ...request, check: this.checkCall }, response: await this.check(d.target) };
    } catch (err) {
      if (!(err instanceof BillingApiError)) throw err;
      // Refused credentials or an IP not allow-listed: disabled and the operator told, as a channel's refused token is.
      const hint = err.failure === 'config' ? { disable: 'invalid_credentials' as const } : {};
      throw new DestinationError(err.message, err.failure !== 'transient', request, { failure: err.failure, status: err.status }, hint);
    }
  }

  protected abstract readonly checkCall: string;
  protected abstract check(target: DestinationTarget): Promise<Record<string, unknown>>;
}

export class WhmcsDestination extends BillingDestination {
  readonly kind = 'whmcs';
  protected readonly checkCall = 'GetClients limitnum=1';

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const api = new WhmcsApi(this.http, whmcsCredentials(t), 15_000);
    const r = await api.call<{ totalresults?: string | number }>('GetClients', { limitstart: 0, limitnum: 1 });
    return { result: 'success', clients: Number(r.totalresults ?? 0) };
  }
}

export class BlestaDestination extends BillingDestination {
  readonly kind = 'blesta';
  protected readonly checkCall = 'clients/getListCount';

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const count = await new BlestaApi(this.http, blestaCredentials(t), 15_000).get<number | string>('clients', 'getListCount', { status: 'active' });
    return { response: 'ok', activeClients: Number(count) };
  }
}

export function whmcsCredentials(t: DestinationTarget) {
  return { url: String(t.config.url), identifier: t.secrets.identifier, secret: t.secrets.secret, accessKey: t.secrets.accessKey ?? null };
}

export function blestaCredentials(t: DestinationTarget) {
  return { url: String(t.config.url), user: String(t.config.user), key: t.secrets.key };
}

export const BILLING_ADAPTERS: readonly DestinationAdapterClass[] = [WhmcsDestination, BlestaDestination];
