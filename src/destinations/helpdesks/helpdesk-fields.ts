import { FieldSpec, integer, text } from '../config-fields';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The settings every helpdesk kind has beside its URL and credentials.
export const HELPDESK_FIELDS: Record<string, FieldSpec> = {
  requesterEmail: {
    doc: "the requester when the incident's customer has no e-mail address (else the ticket cannot be opened where one is required)",
    check: text({ max: 254, pattern: EMAIL, hint: 'must be an e-mail address' }),
  },
  timeoutSeconds: { doc: 'how long a request may take, answer included (default 15)', check: integer(1, 120) },
};
