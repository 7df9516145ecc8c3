import { httpUrl } from '../config-fields';
import type { KindSpec } from '../destination-kind';

// Office 365 connector webhooks (…webhook.office.com/webhookb2/…, outlook.office.com/webhook/…) were retired by
// Microsoft in 2026 (channels.md §4b); they take no messages any more.
export const RETIRED_CONNECTOR =
  'this is an Office 365 connector URL (webhook.office.com); Microsoft retired those connectors. In Teams, create a Workflows webhook ' +
  '("Post to a channel when a webhook request is received" / "When a Teams webhook request is received") and use its URL ' +
  '(…logic.azure.com…/workflows/…/triggers/manual/paths/invoke?…&sig=…, or a powerautomate/powerplatform URL)';

export function retiredConnector(u: URL): boolean {
  const host = u.hostname.toLowerCase();
  return host.endsWith('.webhook.office.com') || host === 'webhook.office.com' || (host === 'outlook.office.com' && u.pathname.startsWith('/webhook'));
}

// Microsoft Teams through a Workflows (Power Automate) webhook; the whole URL (its sig) is the credential.
export const TEAMS: KindSpec = {
  kind: 'teams',
  doc: 'Microsoft Teams Workflows webhook (Adaptive Card)',
  fields: {
    workflowUrl: {
      doc: 'the Workflows webhook URL, copied whole (…/workflows/{id}/triggers/manual/paths/invoke?…&sig=…)', secret: true, required: true,
      check: httpUrl({ forbid: (u) => (retiredConnector(u) ? RETIRED_CONNECTOR : null) }),
    },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
