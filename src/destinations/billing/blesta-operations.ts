import { renderedNumber } from '../action-params-check';
import { DestinationError, DestinationTarget, OutboundDelivery } from '../destination';
import { ticketPerIncident, TicketRef } from '../incident-ticket';
import type { MessageIncident } from '../message-incident';
import { oncePerKey } from '../once-per-incident';
import type { DestinationThreads } from '../threads/destination-threads';
import { BillingApiError } from './billing-api-error';
import { incidentText } from './incident-text';
import { billingClientId, MessageCustomer, messageCustomer } from './billing-client';
import { BlestaApi } from './blesta-api';

type Obj = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const TICKETS = 'support_manager.support_manager_tickets';

// A rule's firing as Blesta calls (operations in blesta-action-params.ts), one incident at a time: tickets through the
// support_manager plugin's model, client notes, invoices. Params arrive rendered; what they leave out comes from the
// firing's own text.
export class BlestaOperations {
  constructor(
    private readonly api: BlestaApi,
    private readonly threads: DestinationThreads,
    private readonly d: OutboundDelivery,
    private readonly target: DestinationTarget,
    private readonly today: Date, // the firing's time: an invoice is dated by the cleanup it bills, also on a retry
  ) {}

  async perform(incident: MessageIncident): Promise<Obj> {
    const p = (incident.data.params ?? {}) as Obj;
    const { title, body } = incidentText(this.d, incident);
    const customer = messageCustomer(incident.data);
    switch (p.operation) {
      case 'ticket':
        return this.ticket(incident, p, customer, s(p.summary) ?? title, s(p.details) ?? body);
      case 'note': {
        const clientId = await this.client(customer);
        const noteId = await this.api.post<string | number>('clients', 'addNote', {
          client_id: clientId, vars: { title: (s(p.title) ?? title).slice(0, 255), description: s(p.description) ?? body, stickied: p.stickied === true },
        });
        return { operation: 'note', clientId, noteId: String(noteId) };
      }
      case 'invoice':
        return this.invoice(incident, p, customer);
      default:
        throw new DestinationError(`this rule action names no Blesta operation (params.operation: ${String(p.operation)})`, true);
    }
  }

  private async ticket(incident: MessageIncident, p: Obj, customer: MessageCustomer | null, summary: string, details: string): Promise<Obj> {
    const clientId = await this.client(customer);
    const author = p.staffId ? { staff_id: String(p.staffId) } : { client_id: clientId };
    const reply = (ticketId: string, text: string) => this.api.post<string | number>(TICKETS, 'addReply', { ticket_id: ticketId, vars: { details: text, type: 'reply', ...author } });
    const r = await ticketPerIncident(this.threads, this.target.id, this.d.id, incident, {
      create: async (marker) => {
        // add stores no message: the body is the first reply, a second call (as Blesta's own UI does in one transaction)
        const id = await this.api.post<string | number>(TICKETS, 'add', {
          vars: { department_id: String(p.departmentId), summary: `${summary.slice(0, 230)} [${marker}]`, client_id: clientId, priority: s(p.priority) ?? 'medium', status: 'open' },
        });
        if (id === null || id === undefined || (id as unknown) === false) throw new DestinationError('Blesta ticket add answered without a ticket id', false);
        // Kept before the reply: should the reply fail, the retry replies to this ticket instead of opening another.
        await this.threads.opened(this.target.id, incident.key, String(id), { marker });
        const replyId = await reply(String(id), details);
        return { id: String(id), response: { replyId: String(replyId) } };
      },
      findByMarker: async (marker) => {
        // UNCONFIRMED: getList's argument names (status, client_id) as read from the plugin's model.
        const list = await this.api.get<{ id: string | number; summary?: string }[] | null>(TICKETS, 'getList', { status: 'open', client_id: clientId });
        const t = (list ?? []).find((x) => x.summary?.includes(`[${marker}]`));
        return t ? { id: String(t.id) } : null;
      },
      // the lost answer was the add's, so its first reply was never sent
      adopted: async (t: TicketRef) => ({ replyId: String(await reply(t.id, details)) }),
      reply: async (t: TicketRef) => ({ replyId: String(await reply(t.id, details)) }),
      close: async (t: TicketRef) => {
        const replyId = await reply(t.id, s(p.closeDetails) ?? details);
        const status = s(p.closeStatus) ?? 'closed';
        await this.api.post(TICKETS, 'edit', { ticket_id: t.id, vars: { status } });
        return { replyId: String(replyId), status };
      },
      notTaken,
    });
    return { operation: 'ticket', clientId, ...r };
  }

  private async invoice(incident: MessageIncident, p: Obj, customer: MessageCustomer | null): Promise<Obj> {
    const amount = renderedNumber(p.amount);
    const qty = renderedNumber(p.qty ?? '1');
    if (amount === null || qty === null) throw new DestinationError(`invoice: amount (${String(p.amount)}) and qty (${String(p.qty)}) must render to numbers`, true);
    const clientId = await this.client(customer);
    const day = (offset: number) => new Date(this.today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const r = await oncePerKey(this.threads, this.target.id, this.d.id, `billable:${incident.key}`, 'Blesta invoice', async () => {
      const id = await this.api.post<string | number>('invoices', 'add', {
        vars: {
          client_id: clientId, date_billed: day(0), date_due: day(Number(p.dueDays ?? 14)), currency: s(p.currency), status: s(p.status) ?? 'draft',
          note_private: `hostdigest incident ${incident.key}`,
          lines: [{ description: s(p.description), qty, amount: amount.toFixed(2), tax: false }],
        },
      });
      return { id: String(id), response: { invoiceId: String(id) } };
    }, notTaken);
    return { operation: 'invoice', clientId, ...r };
  }

  private client(customer: MessageCustomer | null): Promise<string> {
    // By e-mail (the documented lookup); Blesta's service search by domain is not used (UNCONFIRMED shape).
    return billingClientId(this.threads, this.target, customer, async (c) => {
      for (const email of c.emails.slice(0, 3)) {
        const list = await this.api.get<{ id: string | number; email?: string }[] | null>('clients', 'getList', { status: 'active', filters: { contact_email: email } });
        const hit = (list ?? []).find((x) => x.email?.toLowerCase() === email.toLowerCase());
        if (hit) return String(hit.id);
      }
      return null;
    });
  }
}

const notTaken = (err: unknown): boolean => err instanceof BillingApiError && err.notTaken;
