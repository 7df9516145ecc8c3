import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { registerBodyParsers, registerTextCheck } from './api/body-parsers';
import { registerHttpMetrics } from './api/http-metrics';
import { registerIdempotency } from './api/idempotency';
import { registerRequestIdHeader, requestId } from './api/request-id';
import { createRootLogger, RequestLog } from './api/request-log';
import { serveSwaggerAssets } from './api/swagger-assets';
import { AppModule } from './app.module';
import { BootConsole } from './boot/boot-console';
import { AppConfig } from './config/app-config';
import { Database } from './db/database';
import { Metrics } from './metrics/metrics';

// Builds the whole service for one config; main.ts and the tests both start it through here.
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const bootConsole = new BootConsole(config.logFormat);
  const logger = createRootLogger(config, bootConsole);
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    // as Express routed: /v1/organization/ is /v1/organization
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: config.http.trustProxy,
    loggerInstance: logger,
    logController: new RequestLog(),
    genReqId: requestId,
  });
  // Nest logs through pino from its first line: no bufferLogs, which held every start line until listen() and then
  // wrote them all with the time of that moment.
  const params = { pinoHttp: { logger }, useExisting: true as const };
  const nestLogger = new Logger(new PinoLogger(params), params);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, bootConsole), adapter, { logger: nestLogger, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestIdHeader(fastify);
  registerBodyParsers(fastify);
  registerTextCheck(fastify);
  registerIdempotency(fastify, app.get(Database));
  registerHttpMetrics(fastify, app.get(Metrics));
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
  serveSwaggerAssets(app);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
  return app;
}
