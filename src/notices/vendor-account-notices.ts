import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BrandsService } from '../brands/brands.service';
import { DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundMessage } from '../destinations/destination';
import { VendorAccountStateChange, VendorAccountStateHooks } from '../vendors/vendor-account-state-hooks';
import { NoticeRecipients } from './notice-recipients';

export const VENDOR_ACCOUNT_FAILING = 'vendor_account.failing';
export const VENDOR_ACCOUNT_RECOVERED = 'vendor_account.recovered';

export interface VendorAccountNoticePayload {
  type: typeof VENDOR_ACCOUNT_FAILING | typeof VENDOR_ACCOUNT_RECOVERED;
  vendorAccount: { id: string; name: string; vendor: string };
  at: string;
  failingSince: string | null;
  failures: number;
  errorCode: string | null;
  lastError: string | null;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The operator hears when a vendor account stops polling after its retries (once per failure streak) and when it polls
// again, as they hear of a destination disabled: its operator destinations and notice contact group, else the admin
// e-mail. The key holds the streak's start, so a replica that reports the same streak twice writes one notice.
@Injectable()
export class VendorAccountNotices implements DeliveryComposer, OnModuleInit {
  constructor(
    private readonly hooks: VendorAccountStateHooks,
    private readonly composers: DeliveryComposers,
    private readonly recipients: NoticeRecipients,
    private readonly brands: BrandsService,
  ) {}

  onModuleInit(): void {
    this.hooks.register((c, em) => this.notify(c, em));
    this.composers.register(VENDOR_ACCOUNT_FAILING, this);
    this.composers.register(VENDOR_ACCOUNT_RECOVERED, this);
  }

  notify(c: VendorAccountStateChange, em: EntityManager): Promise<number> {
    const type = c.change === 'failing' ? VENDOR_ACCOUNT_FAILING : VENDOR_ACCOUNT_RECOVERED;
    const payload: VendorAccountNoticePayload = {
      type, vendorAccount: { id: c.vendorAccountId, name: c.name, vendor: c.vendor }, at: c.at.toISOString(),
      failingSince: c.failingSince?.toISOString() ?? null, failures: c.failures, errorCode: c.errorCode, lastError: c.lastError,
    };
    const streak = c.failingSince?.toISOString() ?? payload.at;
    return this.recipients.write(c.organizationId, type, c.vendorAccountId, `${type}:${c.vendorAccountId}:${streak}`, payload, `vendor account "${c.name}" (${c.vendorAccountId})`, em);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as VendorAccountNoticePayload;
    const brand = await this.brands.resolve(d.organizationId, null);
    const a = p.vendorAccount;
    const text =
      p.type === VENDOR_ACCOUNT_FAILING
        ? `The ${a.vendor} account "${a.name}" has failed to poll ${p.failures} time${p.failures === 1 ? '' : 's'} in a row since ${p.failingSince} (${p.errorCode ?? 'error'}). ` +
          `Its new security events are not being collected.${p.lastError ? ` Last error: ${p.lastError}` : ''}`
        : `The ${a.vendor} account "${a.name}" polls again (${p.at}) after failing since ${p.failingSince}.`;
    const subject = p.type === VENDOR_ACCOUNT_FAILING ? `Vendor account failing: ${a.name}` : `Vendor account recovered: ${a.name}`;
    return {
      brand,
      content: { subject: `[${brand.senderName}] ${subject}`, text, html: `<p>${escape(text)}</p>` },
      event: { type: p.type, timestamp: p.at, data: { vendorAccount: a, failingSince: p.failingSince, failures: p.failures, errorCode: p.errorCode, lastError: p.lastError } },
    };
  }
}
