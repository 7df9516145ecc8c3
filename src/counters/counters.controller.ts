import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { CountersView } from './counters.dto';
import { CustomerCounters } from './customer-counters';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CountersController {
  constructor(private readonly counters: CustomerCounters) {}

  @Get(':id/counters')
  @ApiOperation({ summary: "What a control panel shows of a customer, in its local month: from a rollup kept by ingestion, not a scan of the month's events" })
  @ApiOkResponse({ type: CountersView })
  async get(@Caller() caller: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<CountersView> {
    return CountersView.of(id, await this.counters.read(caller.organizationId, id));
  }
}
