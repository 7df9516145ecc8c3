import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Caller } from '../api/auth.decorators';
import type { Principal } from '../api-keys/api-keys.service';
import { DomainError, NotFoundError } from '../errors/domain-error';
import { Mailer } from './mailer';

class OutboxQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

class OutboxEntryView {
  @ApiProperty() file: string;
  @ApiProperty() size: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: String }) messageId: string | null;
  @ApiProperty({ nullable: true, type: String }) subject: string | null;
  @ApiProperty({ nullable: true, type: String }) to: string | null;
  @ApiProperty({ nullable: true, type: String }) from: string | null;
}

class OutboxList {
  @ApiProperty({ type: [OutboxEntryView] }) data: OutboxEntryView[];
}

// The mail outbox (no SMTP_URL): what would have been sent, newest first, this organization's messages only.
@ApiTags('mail')
@ApiBearerAuth()
@Controller('v1/outbox')
export class OutboxController {
  constructor(private readonly mailer: Mailer) {}

  @Get()
  @ApiOkResponse({ type: OutboxList })
  async list(@Caller() caller: Principal, @Query() q: OutboxQuery): Promise<OutboxList> {
    return { data: await this.outbox().list(caller.organizationId, q.limit ?? 100) };
  }

  @Get(':file')
  @Header('Content-Type', 'message/rfc822')
  @ApiOkResponse({ description: 'the message as an .eml file' })
  async get(@Caller() caller: Principal, @Param('file') file: string): Promise<StreamableFile> {
    const raw = await this.outbox().read(caller.organizationId, file);
    if (!raw) throw new NotFoundError('outbox message', file);
    return new StreamableFile(raw);
  }

  private outbox() {
    const outbox = this.mailer.outbox;
    if (!outbox) throw new DomainError('outbox_not_in_use', 'mail is sent over SMTP (SMTP_URL is set); there is no outbox', 409);
    return outbox;
  }
}
