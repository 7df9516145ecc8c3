// `<local@domain>` with the domain of the sending address, so that receivers see an id of the brand's own domain.
// Deterministic for a given local part: a resend under the same id can be recognised (and folded) by receivers.
export function messageIdAt(local: string, senderEmail: string): string {
  const domain = /@([^>\s]+)$/.exec(senderEmail)?.[1] ?? 'localhost';
  return `<${local}@${domain}>`;
}
