import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../errors/domain-error';
import { sampleData } from './sample-data';
import { CHANNEL_PARTS, isChannelTemplateKind, isTemplateKind, TEMPLATE_KINDS, TEMPLATE_PARTS, TemplateKind } from './template-kinds';
import { TEMPLATE_HELPERS, TEMPLATE_VARIABLES } from './template-variables';
import { TemplateKindList, TemplateKindView, TemplateSourceView } from './templates.dto';
import { TemplatesService } from './templates.service';

const DESCRIPTIONS: Record<TemplateKind, string> = {
  'digest.daily': 'Daily security digest e-mail to a customer',
  'digest.weekly': 'Weekly security digest e-mail to a customer',
  'digest.monthly': 'Monthly security digest e-mail to a customer',
  'ticket.malware': 'Text of the ticket or chat message opened for a malware event (ticket and chat destinations)',
  'alert.urgent': 'E-mail sent at once for an event of a kind the customer marked urgent (deliveries)',
  'rule.fired': 'E-mail a rule sends to an e-mail destination among its actions: the events of a firing, a threshold reached, a state change or a scheduled report',
  'channel.security_event': 'Chat, push, paging or SMS message for a new security event (destinations subscribed to security_event.created)',
  'channel.rule.fired': 'Chat, push, paging or SMS message a rule sends to a channel destination among its actions',
  'channel.digest.sent': 'Chat or push message that a customer\'s digest went out, with its figures (channel destinations subscribed to digest.sent)',
};

// The variable reference per kind, served to the editor, with the sample data previews use.
@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/template-kinds')
export class TemplateKindsController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOkResponse({ type: TemplateKindList })
  list(): TemplateKindList {
    return { data: TEMPLATE_KINDS.map(kindView), nextCursor: null };
  }

  @Get(':kind/default')
  @ApiOkResponse({ type: TemplateSourceView, description: 'the shipped default a brand sends until it overrides the kind' })
  default(@Param('kind') kind: string): TemplateSourceView {
    if (!isTemplateKind(kind)) throw new NotFoundError('template kind', kind);
    return isChannelTemplateKind(kind) ? { ...this.templates.defaultChannelSource(kind) } : { ...this.templates.defaultSource(kind) };
  }
}

function kindView(kind: TemplateKind): TemplateKindView {
  const channel = isChannelTemplateKind(kind);
  return {
    kind,
    family: channel ? 'channel' : 'email',
    parts: [...(channel ? CHANNEL_PARTS : TEMPLATE_PARTS)],
    description: DESCRIPTIONS[kind],
    variables: TEMPLATE_VARIABLES[kind].map((v) => ({ ...v })),
    helpers: TEMPLATE_HELPERS.map((h) => ({ ...h })),
    sampleData: sampleData(kind, 'en'),
  };
}
