import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { bodyParsers } from './api/body-parsers';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';

// Builds the whole service for one config; main.ts and the tests both start it through here.
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // API responses are per key and change with every ingested event: hashing each body for an ETag is pure cost.
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use(...bodyParsers(config.http.bodyLimit));
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('hostdigest API')
      .setDescription(
        'Operator API of hostdigest. Authenticate with `Authorization: Bearer <API key>`. Errors are `{code, message, field?}`. ' +
          'Lists take `limit` and `cursor` and return `{data, nextCursor}`. POSTs that create things honour `Idempotency-Key`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
  return app;
}
