import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

// The files the Swagger UI page at /docs loads. SwaggerModule serves them through useStaticAssets(), which on
// Fastify needs @fastify/static; these five files (read once, on first request) do not warrant that dependency.
const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Call before SwaggerModule.setup(); nothing else serves static files through the adapter.
export function serveSwaggerAssets(app: NestFastifyApplication): void {
  const adapter = app.getHttpAdapter() as unknown as FastifyAdapter;
  const fastify = adapter.getInstance();
  adapter.useStaticAssets = ((options: { root: string; prefix: string }) => {
    for (const [name, type] of Object.entries(FILES)) {
      let body: Buffer | undefined;
      fastify.get(`${options.prefix}/${name}`, (_req, reply) => {
        body ??= readFileSync(join(options.root, name));
        return reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
      });
    }
  }) as unknown as FastifyAdapter['useStaticAssets'];
}
