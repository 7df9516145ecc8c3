import { Injectable } from '@nestjs/common';
import { Clock } from './clock';
import type { Cadence } from './digest-period';
import { SecretBox } from '../secrets/secret-box';
import type { ResolvedBrand } from '../templates/branded-email';
import { messageLinks, MessageLinks } from './message-links';
import { PageToken, signPageToken, verifyPageToken } from './page-token';

export const PAGE_PATH = '/p';

// Signs and reads the links to a customer's hosted page (GET /p/:token) and gives every mail its links
// (messageLinks: the brand's portal, else this page). Here, beside the unsubscribe links, because every mail builds
// its links in one place; the page itself (src/customer-page) only reads them.
@Injectable()
export class CustomerPageLinks {
  private readonly key: Buffer;

  constructor(
    secrets: SecretBox,
    private readonly clock: Clock,
  ) {
    this.key = secrets.subkey('customer-page');
  }

  // `period`: the digest period the mail is about (the page shows it); null for mails about no period (alerts).
  forMessage(brand: ResolvedBrand, customerId: string, period: { cadence: Cadence; start: Date; end: Date } | null): MessageLinks {
    return messageLinks(brand.values, () => this.page(brand.publicBaseUrl, customerId, period));
  }

  page(baseUrl: string, customerId: string, period: PageToken['period']): string {
    const token = signPageToken(this.key, { customerId, issuedAt: this.clock.now(), period });
    return `${baseUrl.replace(/\/+$/, '')}${PAGE_PATH}/${token}`;
  }

  verify(token: string): PageToken | null {
    return verifyPageToken(this.key, token);
  }
}
