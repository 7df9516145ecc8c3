import type { FakeHandler } from './fake-channel-server';
import { isJson } from './fake-channel-server';

// A Teams Workflows ("When a Teams webhook request is received") trigger, as Logic Apps answers it (channels.md §4a):
// POST /workflows/{id}/triggers/manual/paths/invoke?api-version=…&sp=…&sv=1.0&sig=…; a wrong sig is 401
// (DirectApiAuthorizationRequired / invalid signature); 202 with an empty body once accepted. The card is checked
// as the flow's "Post card" step needs it: a message with one Adaptive Card attachment that has a body.
export function teamsFake(workflowId: string, sig: string): FakeHandler {
  return (r) => {
    if (r.method !== 'POST') return { status: 405, body: { error: { code: 'MethodNotAllowed' } } };
    if (r.url.pathname !== `/workflows/${workflowId}/triggers/manual/paths/invoke`) return { status: 404, body: { error: { code: 'WorkflowNotFound', message: 'The workflow could not be found.' } } };
    const q = r.url.searchParams;
    if (!q.get('api-version') || q.get('sv') !== '1.0' || !q.get('sp')) return { status: 401, body: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated.' } } };
    if (q.get('sig') !== sig) return { status: 401, body: { error: { code: 'DirectApiInvalidAuthorizationSignature', message: 'The provided signature is not valid.' } } };
    const a = r.json?.attachments?.[0];
    if (!isJson(r) || r.json?.type !== 'message' || a?.contentType !== 'application/vnd.microsoft.card.adaptive' || a?.content?.type !== 'AdaptiveCard' || !Array.isArray(a?.content?.body) || !a.content.body.length) {
      return { status: 400, body: { error: { code: 'InvalidRequestContent', message: 'The request content is not valid.' } } };
    }
    if (r.body.length > 28 * 1024) return { status: 413, body: { error: { code: 'MessageTooLarge' } } };
    return { status: 202 };
  };
}
