import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { BodyConfig } from '../api/body-parsers';
import type { FastifyReply } from 'fastify';
import { Public } from '../api/auth.decorators';
import { CADENCES } from './digest-period';
import { notFoundPage, preferencesPage } from './preferences-page';
import { UnsubscribeService } from './unsubscribe.service';

// The preferences form and RFC 8058 one-click POST application/x-www-form-urlencoded: a few fields at most.
const FORM_BODY: BodyConfig = { body: 'form', bodyLimit: 4096, tooLarge: { code: 'payload_too_large', message: 'the form is larger than 4 KB' } };

// No API key: the signed token in the link is the only credential (RFC 8058 one-click and a preferences page).
@ApiExcludeController()
@Public()
@Controller('u')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Get(':token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Param('token') token: string, @Query('unsubscribe') confirm: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const state = await this.unsubscribe.state(token);
    if (!state) {
      res.status(404);
      return notFoundPage();
    }
    return preferencesPage({ ...state, action: `/u/${token}`, confirmUnsubscribe: confirm !== undefined });
  }

  // One-click (body "List-Unsubscribe=One-Click", or none at all) turns digests off; the page's form sets a cadence.
  @Post(':token')
  @RouteConfig(FORM_BODY)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async post(@Param('token') token: string, @Body() body: unknown, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const wanted = typeof form.cadence === 'string' && (CADENCES as readonly string[]).concat('off').includes(form.cadence) ? form.cadence : 'off';
    const state = await this.unsubscribe.set(token, wanted as 'off');
    if (!state) {
      res.status(404);
      return notFoundPage();
    }
    res.status(200);
    const notice = state.cadence === 'off' ? 'You are unsubscribed: no more summaries will be sent.' : 'Saved.';
    return preferencesPage({ ...state, action: `/u/${token}`, notice });
  }
}
