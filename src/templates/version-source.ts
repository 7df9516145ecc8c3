import { ValidationError } from '../errors/domain-error';
import type { ChannelKindNames } from './channel-kind-names';
import { CHANNEL_PARTS, ChannelSource, isChannelTemplateKind, TEMPLATE_PARTS, TemplateKind, TemplateSource } from './template-kinds';

// What a saved version holds: an e-mail kind's three parts, or a channel kind's four (the e-mail columns then '').
export interface VersionSource extends TemplateSource {
  channel: ChannelSource | null;
}

type Parts = Partial<Record<(typeof TEMPLATE_PARTS)[number] | (typeof CHANNEL_PARTS)[number], unknown>>;

// The parts of a save or a preview request for the template's kind: every part of the kind is required, a part of
// the other family is refused (a 400 naming it), so that a version never holds text that nothing renders.
export function versionSource(kind: TemplateKind, dto: Parts & { byKind?: unknown }, channelKinds?: ChannelKindNames): VersionSource {
  const channel = isChannelTemplateKind(kind);
  const [own, other] = channel ? [CHANNEL_PARTS, TEMPLATE_PARTS] : [TEMPLATE_PARTS, CHANNEL_PARTS];
  const list = own.join(', ');
  const stray = (other as readonly string[]).find((p) => dto[p as keyof Parts] !== undefined);
  if (stray) throw new ValidationError(stray, `${stray} is not a part of a ${kind} template, which has ${list}`);
  const missing = (own as readonly string[]).find((p) => typeof dto[p as keyof Parts] !== 'string');
  if (missing) throw new ValidationError(missing, `${missing} is required and must be a string: a ${kind} template has ${list}`);
  if (!channel) {
    if (dto.byKind !== undefined) throw new ValidationError('byKind', `byKind is for channel templates; a ${kind} template has ${list}`);
    return { subject: dto.subject as string, mjml: dto.mjml as string, text: dto.text as string, channel: null };
  }
  const source = Object.fromEntries(CHANNEL_PARTS.map((p) => [p, dto[p]])) as ChannelSource;
  if (dto.byKind !== undefined) source.byKind = byKind(dto.byKind, channelKinds);
  return { subject: '', mjml: '', text: '', channel: source };
}

// {slack: {title}, twilio: {body}}: some parts for some channel destination kinds.
function byKind(raw: unknown, known?: ChannelKindNames): NonNullable<ChannelSource['byKind']> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('byKind', 'byKind must be an object: {<destination kind>: {title?, body?, link?, severity?}}');
  const out: NonNullable<ChannelSource['byKind']> = {};
  for (const [kind, parts] of Object.entries(raw as Record<string, unknown>)) {
    const field = `byKind.${kind}`;
    if (known && !known.has(kind)) throw new ValidationError(field, `${field}: "${kind}" is not a channel destination kind (${known.list().join(', ')})`);
    if (!parts || typeof parts !== 'object' || Array.isArray(parts) || !Object.keys(parts).length) {
      throw new ValidationError(field, `${field} must be an object with at least one of ${CHANNEL_PARTS.join(', ')}`);
    }
    const own: Partial<Record<(typeof CHANNEL_PARTS)[number], string>> = {};
    for (const [part, value] of Object.entries(parts as Record<string, unknown>)) {
      if (!(CHANNEL_PARTS as readonly string[]).includes(part)) throw new ValidationError(`${field}.${part}`, `${field}.${part}: a channel template has ${CHANNEL_PARTS.join(', ')}`);
      if (typeof value !== 'string') throw new ValidationError(`${field}.${part}`, `${field}.${part} must be a string`);
      own[part as (typeof CHANNEL_PARTS)[number]] = value;
    }
    out[kind] = own;
  }
  return out;
}
