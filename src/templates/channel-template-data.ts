// What the composers of channel messages hand the channel templates (the contract between the causes and their
// templates). Every string from event data is on one line and at most 300 characters already: a channel message is
// short, and the adapter still escapes it for its channel. brand is added by the renderer.

interface ChannelCommon {
  locale: string;
  timeZone: string;
  severity: string; // critical, high, medium, low or info: the message's severity as computed (the default's severity part)
  link: string; // an http(s) URL the message links to, or ''
  customer: { id: string; name: string; externalRef: string | null } | null;
}

export interface ChannelEventData {
  id: string;
  kind: string;
  severity: string | null;
  threatName: string | null;
  filePath: string | null;
  process: string | null;
  server: string | null;
  domain: string | null;
  occurredAt: string;
}

export interface ChannelSecurityEventData extends ChannelCommon {
  event: ChannelEventData;
  site: { id: string; domain: string | null } | null;
  where: string | null; // the event's domain, else its site's
}

export interface ChannelRuleEventData {
  kind: string | null;
  severity: string | null;
  threatName: string | null;
  domain: string | null;
  server: string | null;
  filePath: string | null;
  occurredAt: string | null;
  where: string | null; // domain, else server
}

export interface ChannelRuleFiredData extends ChannelCommon {
  rule: { id: string; name: string };
  trigger: string;
  incident: string | null;
  firedAt: string | null;
  firings: number; // more than 1: firings held together by quiet hours
  from: string | null; // a transition's states
  to: string | null;
  update: boolean; // a transition's later activity while its incident stays open (rules with updates: true)
  count: number | null; // a threshold's count over its window
  windowSeconds: number | string | null;
  events: ChannelRuleEventData[]; // up to 30
  more: number; // events beyond those listed
  suppressed: number; // held back by the rule's cooldown since the last message
}

export interface ChannelDigestSentData extends ChannelCommon {
  digest: { id: string; cadence: string; periodStart: string; periodEnd: string; periodEndInclusive: string; sentAt: string };
  counts: { events: number; detections: number; threats: number; cleaned: number; outstanding: number; sites: number; sitesAffected: number; sitesCleanedThisMonth: number };
}

export type ChannelTemplateData = ChannelSecurityEventData | ChannelRuleFiredData | ChannelDigestSentData;
