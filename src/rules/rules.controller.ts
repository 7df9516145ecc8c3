import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import { mapPage, PageQuery } from '../api/pagination';
import type { Principal } from '../api-keys/api-keys.service';
import { RuleFiredMessage } from './rule-fired-message.dto';
import { RULE_PRESETS } from './rule-presets';
import { DryRunService } from './dry-run.service';
import { CreateRuleDto, DryRunDto, DryRunView, FiringPage, RuleBodyDto, RulePage, RulePresetPage, RuleQuery, RuleView } from './rules.dto';
import { RulesService } from './rules.service';

@ApiTags('rules')
@ApiBearerAuth()
@ApiExtraModels(RuleFiredMessage)
@Controller('v1')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly dryRuns: DryRunService,
  ) {}

  @Post('rules/dry-run')
  @HttpCode(200)
  @ApiOperation({ summary: 'What a saved or unsaved rule would have done over the stored events of a range; no side effects' })
  @ApiOkResponse({ type: DryRunView })
  dryRun(@Caller() c: Principal, @Body() dto: DryRunDto): Promise<DryRunView> {
    return this.dryRuns.run(c.organizationId, dto);
  }

  @Post('rules')
  @ApiCreatedResponse({ type: RuleView })
  async create(@Caller() c: Principal, @Body() dto: CreateRuleDto): Promise<RuleView> {
    return RuleView.of(await this.rules.create(c.organizationId, { ...dto }));
  }

  @Get('rules')
  @ApiOkResponse({ type: RulePage })
  async list(@Caller() c: Principal, @Query() q: RuleQuery): Promise<RulePage> {
    return mapPage(await this.rules.list(c.organizationId, q), RuleView.of);
  }

  @Get('rules/:id')
  @ApiOkResponse({ type: RuleView })
  async get(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RuleView> {
    return RuleView.of(await this.rules.get(c.organizationId, id));
  }

  @Patch('rules/:id')
  @ApiOkResponse({ type: RuleView })
  async update(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RuleBodyDto): Promise<RuleView> {
    return RuleView.of(await this.rules.update(c.organizationId, id, { ...dto }));
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'its firings go with it; their deliveries stay in the log' })
  remove(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.rules.remove(c.organizationId, id);
  }

  @Post('rules/:id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: RuleView })
  async enable(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RuleView> {
    return RuleView.of(await this.rules.setEnabled(c.organizationId, id, true));
  }

  @Post('rules/:id/disable')
  @HttpCode(200)
  @ApiOkResponse({ type: RuleView })
  async disable(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RuleView> {
    return RuleView.of(await this.rules.setEnabled(c.organizationId, id, false));
  }

  @Get('rules/:id/firings')
  @ApiOkResponse({ type: FiringPage })
  firings(@Caller() c: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery): Promise<FiringPage> {
    return this.rules.firings(c.organizationId, id, q);
  }

  @Get('rule-presets')
  @ApiOkResponse({ type: RulePresetPage })
  presets(): RulePresetPage {
    return { data: RULE_PRESETS.map((p) => ({ ...p })), nextCursor: null };
  }
}
