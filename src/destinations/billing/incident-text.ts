import { ChannelText, channelText } from '../channel-message';
import type { OutboundDelivery } from '../destination';
import type { MessageIncident } from '../message-incident';

// What a billing operation says when its params leave the text to us: the incident's message as a chat channel would
// read it (a title; the body with its link), in plain text, and that text's parts (severity, link).
export function incidentText(d: OutboundDelivery, incident: MessageIncident): { title: string; body: string; text: ChannelText | null } {
  const event = d.message.event!;
  const text = channelText({ event: { type: event.type, timestamp: event.timestamp, data: incident.data } }, d.id);
  return { text, title: text?.title ?? 'hostdigest', body: [text?.body, text?.link].filter(Boolean).join('\n\n') };
}
