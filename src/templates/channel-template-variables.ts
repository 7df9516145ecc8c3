import type { ChannelTemplateKind } from './channel-template-kinds';
import type { TemplateVariable } from './template-variables';

const v = (path: string, type: string, description: string): TemplateVariable => ({ path, type, description });

const COMMON: TemplateVariable[] = [
  v('locale', 'string', 'Locale of the customer (en, de, fr, es, nl; others fall back by language, then to en)'),
  v('timeZone', 'string', 'IANA time zone of the customer; formatDate uses it by default'),
  v('severity', 'critical | high | medium | low | info', 'The severity the message has by default (what the shipped severity part writes)'),
  v('link', 'url | ""', 'The link the message has by default, or empty'),
  v('customer', 'object | null', 'The customer, when the message concerns one'),
  v('customer.id', 'string', 'Customer id'),
  v('customer.name', 'string', 'Customer name'),
  v('customer.externalRef', 'string | null', "The customer's id in the billing system"),
];

const EVENT = (p: string): TemplateVariable[] => [
  v(`${p}.kind`, 'string', 'detection, cleanup, quarantine, process_killed, …'),
  v(`${p}.severity`, 'string | null', 'critical, high, medium, low or info'),
  v(`${p}.threatName`, 'string | null', 'Threat name (one line, ≤ 300 characters)'),
  v(`${p}.filePath`, 'string | null', 'File path (one line, ≤ 300 characters)'),
  v(`${p}.domain`, 'string | null', 'Domain'),
  v(`${p}.server`, 'string | null', 'Server'),
  v(`${p}.occurredAt`, 'date', 'When it happened (ISO-8601; formatDate shows it in the customer’s zone)'),
];

export const CHANNEL_TEMPLATE_VARIABLES: Record<ChannelTemplateKind, readonly TemplateVariable[]> = {
  'channel.security_event': [
    ...COMMON,
    v('event', 'object', 'The security event'),
    v('event.id', 'string', 'Event id'),
    ...EVENT('event'),
    v('event.process', 'string | null', 'Process (one line, ≤ 300 characters)'),
    v('site', 'object | null', 'The site the event matched'),
    v('site.id', 'string', 'Site id'),
    v('site.domain', 'string | null', "The site's first domain"),
    v('where', 'string | null', "The event's domain, else its site's"),
  ],
  'channel.rule.fired': [
    ...COMMON,
    v('rule', 'object', 'The rule'),
    v('rule.id', 'string', 'Rule id'),
    v('rule.name', 'string', 'Rule name'),
    v('trigger', 'event | threshold | transition | schedule', 'What kind of rule fired'),
    v('incident', 'string | null', 'The incident key of the firing'),
    v('firedAt', 'date', 'When it fired'),
    v('firings', 'number', 'Firings in this message (more than 1 when quiet hours held them together)'),
    v('from', 'string | null', 'Transition: the state before'),
    v('to', 'string | null', 'Transition: the state after'),
    v('update', 'boolean', 'Transition with updates: more activity while the incident stays open (from = to)'),
    v('count', 'number | null', 'Threshold: events counted in the window'),
    v('windowSeconds', 'number | null', 'Threshold: the window'),
    v('events', 'array', 'The events of the firing (up to 30)'),
    ...EVENT('events[]'),
    v('events[].where', 'string | null', 'Domain, else server'),
    v('more', 'number', 'Events beyond those listed'),
    v('suppressed', 'number', "Messages held back by the rule's cooldown since the last one"),
  ],
  'channel.digest.sent': [
    ...COMMON,
    v('digest', 'object', 'The digest that was sent'),
    v('digest.id', 'string', 'Digest id'),
    v('digest.cadence', 'daily | weekly | monthly', 'Cadence'),
    v('digest.periodStart', 'date', 'Start of the period'),
    v('digest.periodEnd', 'date', 'End of the period (exclusive)'),
    v('digest.periodEndInclusive', 'date', 'The last moment of the period (for formatDate)'),
    v('digest.sentAt', 'date', 'When the digest was sent'),
    v('counts', 'object', 'The figures the digest showed'),
    ...['events', 'detections', 'threats', 'cleaned', 'outstanding', 'sites', 'sitesAffected', 'sitesCleanedThisMonth'].map((k) => v(`counts.${k}`, 'number', `${k} in the period`)),
  ],
};
