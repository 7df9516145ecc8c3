import { Module } from '@nestjs/common';
import { Mailer } from './mailer';
import { OutboxController } from './outbox.controller';

// Mail out: an injectable Mailer over SMTP (SMTP_URL) or the outbox folder; GET /v1/outbox lists the outbox.
@Module({ controllers: [OutboxController], providers: [Mailer], exports: [Mailer] })
export class MailModule {}
