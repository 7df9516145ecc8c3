// What Nest and Fastify say while starting: a line per module, controller and route (~150 on this service) and one
// per listening address. Useful when debugging the framework, noise for an operator: logged at debug, not info.
const CHATTER_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

// args: a pino log call's arguments as nestjs-pino ({context}, message) and Fastify ('Server listening at …') make them.
export function isBootChatter(args: readonly unknown[]): boolean {
  const first = args[0];
  if (typeof first === 'string') return first.startsWith('Server listening at ');
  if (typeof first !== 'object' || first === null) return false;
  const context = (first as { context?: unknown }).context;
  return typeof context === 'string' && CHATTER_CONTEXTS.has(context);
}
