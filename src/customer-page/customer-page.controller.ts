import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, Public } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { PageLinkView, RevokedView } from './customer-page.dto';
import { CustomerPageService } from './customer-page.service';

// The page's token is in its URL: no referrer leaves it (logo, support link), nothing caches or indexes it.
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

@ApiTags('customers')
@Controller()
export class CustomerPageController {
  constructor(private readonly pages: CustomerPageService) {}

  // The hosted customer page behind the links in digests and alerts. No API key: the signed token is the credential.
  @Get('p/:token')
  @Public()
  @ApiExcludeEndpoint()
  async page(@Param('token') token: string, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const result = await this.pages.page(token);
    res.status(result.status).headers(PAGE_HEADERS);
    return result.html;
  }

  @Post('v1/customers/:id/page-links')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: PageLinkView })
  async issue(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PageLinkView> {
    return this.pages.issue(caller.organizationId, id);
  }

  @Post('v1/customers/:id/page-links/revoke')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: RevokedView })
  async revoke(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RevokedView> {
    return this.pages.revoke(caller.organizationId, id);
  }
}
