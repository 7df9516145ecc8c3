import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SecretBox } from '../secrets/secret-box';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

// Signed links to a customer's digest preferences (GET /u/:token) and one-click unsubscribe (POST /u/:token).
@Injectable()
export class UnsubscribeLinks {
  private readonly key: Buffer;

  constructor(
    secrets: SecretBox,
    private readonly config: AppConfig,
  ) {
    this.key = secrets.subkey('digest-unsubscribe');
  }

  forCustomer(baseUrl: string | null | undefined, customerId: string): { token: string; preferences: string; unsubscribe: string; oneClick: string } {
    const base = (baseUrl || this.config.publicBaseUrl).replace(/\/$/, '');
    const token = signUnsubscribeToken(this.key, customerId);
    return { token, preferences: `${base}/u/${token}`, unsubscribe: `${base}/u/${token}?unsubscribe=1`, oneClick: `${base}/u/${token}` };
  }

  verify(token: string): string | null {
    return verifyUnsubscribeToken(this.key, token);
  }
}
