import { isBootChatter } from './boot-chatter';

describe('isBootChatter', () => {
  it('is the framework lines of a start', () => {
    expect(isBootChatter([{ context: 'RouterExplorer' }, 'Mapped {/v1/events, GET} route'])).toBe(true);
    expect(isBootChatter([{ context: 'RoutesResolver' }, 'EventsController {/v1/events}:'])).toBe(true);
    expect(isBootChatter([{ context: 'InstanceLoader' }, 'AppModule dependencies initialized'])).toBe(true);
    expect(isBootChatter([{ context: 'NestFactory' }, 'Starting Nest application...'])).toBe(true);
    expect(isBootChatter(['Server listening at http://127.0.0.1:3000'])).toBe(true);
  });

  it("is not the service's own lines, a request line or an unusual call", () => {
    expect(isBootChatter([{ context: 'Database' }, 'applied 3 migrations'])).toBe(false);
    expect(isBootChatter([{ req: { method: 'GET', url: '/v1/events' }, res: { statusCode: 200 } }, 'request completed'])).toBe(false);
    expect(isBootChatter(['hostdigest listening on http://127.0.0.1:3000'])).toBe(false);
    expect(isBootChatter([null, 'x'])).toBe(false);
    expect(isBootChatter([])).toBe(false);
  });
});
