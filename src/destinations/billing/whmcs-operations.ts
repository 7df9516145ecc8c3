import { renderedNumber } from '../action-params-check';
import { DestinationError, DestinationTarget, OutboundDelivery } from '../destination';
import { ticketPerIncident, TicketRef } from '../incident-ticket';
import type { MessageIncident } from '../message-incident';
import { oncePerKey } from '../once-per-incident';
import type { DestinationThreads } from '../threads/destination-threads';
import { BillingApiError } from './billing-api-error';
import { incidentText } from './incident-text';
import { billingClientId, MessageCustomer, messageCustomer } from './billing-client';
import { PhpValue } from './php-form';
import { WhmcsApi } from './whmcs-api';

type Obj = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

// A rule's firing as WHMCS calls (operations in whmcs-action-params.ts), one incident at a time. Params arrive
// rendered; what they leave out comes from the firing's own text (channel-message.ts).
export class WhmcsOperations {
  constructor(
    private readonly api: WhmcsApi,
    private readonly threads: DestinationThreads,
    private readonly d: OutboundDelivery,
    private readonly target: DestinationTarget,
  ) {}

  async perform(incident: MessageIncident): Promise<Obj> {
    const p = (incident.data.params ?? {}) as Obj;
    const { title, body, text } = incidentText(this.d, incident);
    const customer = messageCustomer(incident.data);
    switch (p.operation) {
      case 'OpenTicket':
        return this.ticket(incident, p, customer, s(p.subject) ?? title, s(p.message) ?? body);
      case 'AddClientNote': {
        const clientid = await this.client(customer);
        const r = await this.api.call<{ noteid?: string }>('AddClientNote', { userid: clientid, notes: s(p.notes) ?? `${title}\n\n${body}`, sticky: p.sticky === true });
        return { operation: 'AddClientNote', clientid, noteid: r.noteid ?? null };
      }
      case 'AddBillableItem':
        return this.billable(incident, p, customer);
      case 'TriggerNotificationEvent': {
        const style = s(p.statusStyle) ?? (text && ['critical', 'high'].includes(text.severity) ? 'danger' : 'info');
        await this.api.call('TriggerNotificationEvent', {
          notification_identifier: s(p.identifier), title: s(p.title) ?? title, message: s(p.message) ?? (text?.body || title),
          url: s(p.url) ?? text?.link ?? undefined, status: s(p.status), statusStyle: style, attributes: (p.attributes as PhpValue[] | undefined) ?? undefined,
        });
        return { operation: 'TriggerNotificationEvent', identifier: p.identifier };
      }
      case 'SendEmail': {
        const clientid = await this.client(customer);
        // custommessage is HTML in WHMCS: the firing's own text is escaped; an operator's message is taken as written.
        const message = s(p.message) ?? `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>`;
        await this.api.call('SendEmail', { customtype: 'general', customsubject: s(p.subject) ?? title, custommessage: message, id: clientid });
        return { operation: 'SendEmail', clientid };
      }
      default:
        throw new DestinationError(`this rule action names no WHMCS operation (params.operation: ${String(p.operation)})`, true);
    }
  }

  private async ticket(incident: MessageIncident, p: Obj, customer: MessageCustomer | null, subject: string, message: string): Promise<Obj> {
    const clientid = await this.client(customer);
    const author = s(p.adminUsername) ? { adminusername: s(p.adminUsername) } : { clientid };
    const r = await ticketPerIncident(this.threads, this.target.id, this.d.id, incident, {
      create: async (marker) => {
        const res = await this.api.call<{ id?: string; tid?: string }>('OpenTicket', {
          deptid: String(p.deptid), clientid, subject: `${subject.slice(0, 230)} [${marker}]`, message, priority: s(p.priority) ?? 'Medium', markdown: true,
        });
        if (!res.id) throw new DestinationError('WHMCS OpenTicket answered success without a ticket id', false);
        return { id: String(res.id), data: { tid: res.tid ?? null }, response: { tid: res.tid ?? null } };
      },
      findByMarker: async (marker) => {
        const res = await this.api.call<{ tickets?: { ticket?: { id: string; tid?: string; subject?: string }[] } }>('GetTickets', {
          clientid, subject: marker, limitstart: 0, limitnum: 25, ignore_dept_assignments: true,
        });
        const t = (res.tickets?.ticket ?? []).find((x) => x.subject?.includes(`[${marker}]`));
        return t ? { id: String(t.id), data: { tid: t.tid ?? null } } : null;
      },
      reply: async (t: TicketRef) => {
        await this.api.call('AddTicketReply', { ticketid: t.id, message, markdown: true, ...author });
        return { tid: t.data?.tid ?? null };
      },
      close: async (t: TicketRef) => {
        const status = s(p.closeStatus) ?? 'Closed';
        await this.api.call('AddTicketReply', { ticketid: t.id, message: s(p.closeMessage) ?? message, markdown: true, status, ...author });
        return { tid: t.data?.tid ?? null, status };
      },
      notTaken: notTaken,
    });
    return { operation: 'OpenTicket', clientid, ...r };
  }

  private async billable(incident: MessageIncident, p: Obj, customer: MessageCustomer | null): Promise<Obj> {
    const amount = renderedNumber(p.amount);
    const quantity = renderedNumber(p.quantity ?? '1');
    if (amount === null || quantity === null) throw new DestinationError(`AddBillableItem: amount (${String(p.amount)}) and quantity (${String(p.quantity)}) must render to numbers`, true);
    const clientid = await this.client(customer);
    // The version switch: WHMCS 8 takes unit + quantity, older versions hours (destination config billableUnits).
    const count = this.target.config.billableUnits === 'hours' ? { hours: quantity } : { unit: 'quantity', quantity };
    const r = await oncePerKey(this.threads, this.target.id, this.d.id, `billable:${incident.key}`, 'WHMCS billable item', async () => {
      const res = await this.api.call<{ billableid?: string }>('AddBillableItem', {
        clientid, description: s(p.description), amount: amount.toFixed(2), invoiceaction: s(p.invoiceaction) ?? 'nextinvoice', duedate: s(p.duedate), ...count,
      });
      return { id: String(res.billableid ?? ''), response: { billableid: res.billableid ?? null } };
    }, notTaken);
    return { operation: 'AddBillableItem', clientid, ...r };
  }

  private client(customer: MessageCustomer | null): Promise<string> {
    return billingClientId(this.threads, this.target, customer, async (c) => {
      for (const domain of c.domains.slice(0, 5)) {
        const products = await this.api.call<{ products?: { product?: { clientid: string }[] } }>('GetClientsProducts', { domain, limitstart: 0, limitnum: 1 });
        const byService = products.products?.product?.[0]?.clientid;
        if (byService) return String(byService);
        const domains = await this.api.call<{ domains?: { domain?: { userid: string }[] } }>('GetClientsDomains', { domain, limitstart: 0, limitnum: 1 });
        const byDomain = domains.domains?.domain?.[0]?.userid;
        if (byDomain) return String(byDomain);
      }
      for (const email of c.emails.slice(0, 3)) {
        try {
          const r = await this.api.call<{ client?: { id?: string } }>('GetClientsDetails', { email, stats: false });
          if (r.client?.id) return String(r.client.id);
        } catch (err) {
          if (!(err instanceof BillingApiError && err.failure === 'refused')) throw err; // "Client Not Found"
        }
      }
      return null;
    });
  }
}

// The target said no, never let us in, or never ran the call: nothing was created.
const notTaken = (err: unknown): boolean => err instanceof BillingApiError && err.notTaken;

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
