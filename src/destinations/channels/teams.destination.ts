import type { HttpResponse } from '../../http/http-client';
import { escapeCommonMark, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import { DestinationError, DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, hostOf, Verdict } from './channel-destination';
import { RETIRED_CONNECTOR, retiredConnector } from './teams.kind';

// Teams' message limit (~28 KB) is UNCONFIRMED for Workflows; ours keeps the card's text well under it.
export const TEAMS_MAX = 12_000;

// Teams Workflows: an Adaptive Card in a message (the shape Apprise and Uptime Kuma send), text CommonMark-escaped,
// no msteams.entities (a mention needs one, so nothing can ping). The flow answers 202 before it runs the card, so
// a bad card can still "succeed" here (channels.md §19.1).
export class TeamsDestination extends ChannelDestination {
  readonly kind = 'teams';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const url = target.secrets.workflowUrl;
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      /* the HTTP client says so */
    }
    if (parsed && retiredConnector(parsed)) throw new DestinationError(`config: ${RETIRED_CONNECTOR}`, true, { host: parsed.host });
    const title = escapeCommonMark(t.title);
    const fitted = fitBody(t.body, TEAMS_MAX, (b) => title.length + escapeCommonMark(b).length);
    const card: Record<string, unknown> = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4',
      body: [
        { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Large', style: 'heading', wrap: true },
        ...escapeCommonMark(fitted.body).split('\n').map((line) => ({ type: 'TextBlock', text: line || ' ', wrap: true, spacing: 'None' })),
      ],
      msteams: { width: 'full' },
    };
    if (t.link) card.actions = [{ type: 'Action.OpenUrl', title: 'Open', url: t.link }];
    const body = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
    return { url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), summary: { host: hostOf(url), title: t.title, truncated: fitted.truncated } };
  }

  protected judge(res: HttpResponse): Verdict {
    return byStatus(res);
  }
}
