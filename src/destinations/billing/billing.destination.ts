import { HttpClient } from '../../http/http-client';
import { Destination, DestinationAdapterClass, DestinationError, DestinationResult, DestinationTarget, OutboundDelivery } from '../destination';
import { messageIncidents } from '../message-incident';
import type { DestinationThreads } from '../threads/destination-threads';
import { BillingApiError } from './billing-api-error';
import { BlestaApi } from './blesta-api';
import { BlestaOperations } from './blesta-operations';
import { WhmcsApi } from './whmcs-api';
import { WhmcsOperations } from './whmcs-operations';

const TEST = 'notification.test';
const DEFAULT_TIMEOUT_SECONDS = 30;

// What a billing destination does with a message. The operator's test checks the credentials with a harmless read
// (the first client), so the answer says at once whether the URL, credentials and IP allow-list are right. A rule's
// firing runs the action's operation (a ticket per incident, a note, a billable item, ...) once per incident it carries.
// Never resent after an interruption (resendsInterrupted stays false): the system may have acted already.
abstract class BillingDestination extends Destination {
  constructor(
    protected readonly http: HttpClient,
    protected readonly threads: DestinationThreads,
  ) {
    super();
  }

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    if (!d.target) throw new DestinationError('the destination of this delivery was deleted', true);
    const type = d.message.event?.type ?? null;
    const request: Record<string, unknown> = { kind: this.kind, url: d.target.config.url, type };
    const done: Record<string, unknown>[] = [];
    try {
      if (type === TEST) return { request: { ...request, check: this.checkCall }, response: await this.check(d.target) };
      const incidents = messageIncidents(d.message);
      if (!incidents.length) throw new DestinationError(`a ${this.kind} destination takes rule actions (tickets, notes, billable items), not ${type ?? 'this message'}`, true, request);
      request.operation = (incidents[0].data.params as Record<string, unknown> | undefined)?.operation ?? null;
      request.incidents = incidents.map((i) => i.key);
      for (const incident of incidents) done.push({ incident: incident.key, ...(await this.perform(d, d.target, incident)) });
      return { request, response: done.length === 1 ? done[0] : { results: done } };
    } catch (err) {
      const response = done.length ? { done } : null;
      if (err instanceof DestinationError) throw new DestinationError(err.message, err.permanent, err.request ?? request, err.response ?? response, err.hint);
      if (!(err instanceof BillingApiError)) throw err;
      // Refused credentials or an IP not allow-listed: disabled and the operator told, as a channel's refused token is.
      const hint = err.failure === 'config' ? { disable: 'invalid_credentials' as const } : {};
      throw new DestinationError(err.message, err.failure !== 'transient', request, { failure: err.failure, status: err.status, ...(response ?? {}) }, hint);
    }
  }

  protected timeoutMs(t: DestinationTarget): number {
    return (typeof t.config.timeoutSeconds === 'number' ? t.config.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  protected abstract readonly checkCall: string;
  protected abstract check(target: DestinationTarget): Promise<Record<string, unknown>>;
  protected abstract perform(d: OutboundDelivery, target: DestinationTarget, incident: ReturnType<typeof messageIncidents>[number]): Promise<Record<string, unknown>>;
}

export class WhmcsDestination extends BillingDestination {
  readonly kind = 'whmcs';
  protected readonly checkCall = 'GetClients limitnum=1';

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const api = new WhmcsApi(this.http, whmcsCredentials(t), 15_000);
    const r = await api.call<{ totalresults?: string | number }>('GetClients', { limitstart: 0, limitnum: 1 });
    return { result: 'success', clients: Number(r.totalresults ?? 0) };
  }

  protected perform(d: OutboundDelivery, t: DestinationTarget, incident: ReturnType<typeof messageIncidents>[number]): Promise<Record<string, unknown>> {
    return new WhmcsOperations(new WhmcsApi(this.http, whmcsCredentials(t), this.timeoutMs(t)), this.threads, d, t).perform(incident);
  }
}

export class BlestaDestination extends BillingDestination {
  readonly kind = 'blesta';
  protected readonly checkCall = 'clients/getListCount';

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const count = await new BlestaApi(this.http, blestaCredentials(t), 15_000).get<number | string>('clients', 'getListCount', { status: 'active' });
    return { response: 'ok', activeClients: Number(count) };
  }

  protected perform(d: OutboundDelivery, t: DestinationTarget, incident: ReturnType<typeof messageIncidents>[number]): Promise<Record<string, unknown>> {
    return new BlestaOperations(new BlestaApi(this.http, blestaCredentials(t), this.timeoutMs(t)), this.threads, d, t, new Date(d.message.event?.timestamp ?? 0)).perform(incident);
  }
}

export function whmcsCredentials(t: DestinationTarget) {
  return { url: String(t.config.url), identifier: t.secrets.identifier, secret: t.secrets.secret, accessKey: t.secrets.accessKey ?? null };
}

export function blestaCredentials(t: DestinationTarget) {
  return { url: String(t.config.url), user: String(t.config.user), key: t.secrets.key };
}

export const BILLING_ADAPTERS: readonly DestinationAdapterClass[] = [WhmcsDestination, BlestaDestination];
