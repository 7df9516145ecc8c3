import { ValidationError } from '../errors/domain-error';
import { CHANNEL_PARTS, ChannelSource, isChannelTemplateKind, TEMPLATE_PARTS, TemplateKind, TemplateSource } from './template-kinds';

// What a saved version holds: an e-mail kind's three parts, or a channel kind's four (the e-mail columns then '').
export interface VersionSource extends TemplateSource {
  channel: ChannelSource | null;
}

type Parts = Partial<Record<(typeof TEMPLATE_PARTS)[number] | (typeof CHANNEL_PARTS)[number], unknown>>;

// The parts of a save or a preview request for the template's kind: every part of the kind is required, a part of
// the other family is refused (a 400 naming it), so that a version never holds text that nothing renders.
export function versionSource(kind: TemplateKind, dto: Parts): VersionSource {
  const channel = isChannelTemplateKind(kind);
  const [own, other] = channel ? [CHANNEL_PARTS, TEMPLATE_PARTS] : [TEMPLATE_PARTS, CHANNEL_PARTS];
  const list = own.join(', ');
  const stray = (other as readonly string[]).find((p) => dto[p as keyof Parts] !== undefined);
  if (stray) throw new ValidationError(stray, `${stray} is not a part of a ${kind} template, which has ${list}`);
  const missing = (own as readonly string[]).find((p) => typeof dto[p as keyof Parts] !== 'string');
  if (missing) throw new ValidationError(missing, `${missing} is required and must be a string: a ${kind} template has ${list}`);
  if (!channel) return { subject: dto.subject as string, mjml: dto.mjml as string, text: dto.text as string, channel: null };
  return { subject: '', mjml: '', text: '', channel: Object.fromEntries(CHANNEL_PARTS.map((p) => [p, dto[p]])) as ChannelSource };
}
