import { hostname } from 'node:os';
import pino, { DestinationStream } from 'pino';
import { LogFormat } from '../config/app-config';
import { adminKeyText, prettyLine, StartFacts, startSummary } from './boot-text';

interface Out {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

// Standard output, as the root logger's destination and for the start's own messages. While the service starts, on a
// terminal (LOG_FORMAT=auto) or with LOG_FORMAT=pretty, log lines are shown as short human lines, and the start ends
// with a summary; after it, and always otherwise, every line is pino's JSON. Lines are written as they happen (nothing
// is buffered during the start, so each carries its own time).
export class BootConsole implements DestinationStream {
  readonly pretty: boolean;
  private starting = true;
  private after: DestinationStream | null = null;
  private adminKey: string | null = null;

  constructor(format: LogFormat, private readonly out: Out = process.stdout) {
    this.pretty = format === 'pretty' || (format === 'auto' && out.isTTY === true);
  }

  write(line: string): void {
    if (this.after) this.after.write(line);
    else this.out.write(this.pretty ? prettyLine(line) : line);
  }

  // The first start's admin key, shown once: whatever LOG_LEVEL says, and as a JSON line when logs are JSON (under
  // Docker or systemd, the only place an operator can read it; HOSTDIGEST_ADMIN_KEY avoids printing one at all).
  showAdminKey(org: { id: string; name: string }, key: string): void {
    this.adminKey = key;
    if (this.pretty) {
      this.out.write(adminKeyText(org, key));
      return;
    }
    const line = { level: 30, time: Date.now(), pid: process.pid, hostname: hostname(), context: 'Bootstrap', organizationId: org.id, adminKey: key };
    this.out.write(JSON.stringify({ ...line, msg: `created organization "${org.name}" and its admin API key (adminKey); it is shown only this once: store it now` }) + '\n');
  }

  // The end of the start: the summary on a terminal, and JSON for every line from here on.
  started(facts: Omit<StartFacts, 'adminKey'>): void {
    if (!this.starting) return;
    if (this.pretty) this.out.write(startSummary({ ...facts, adminKey: this.adminKey }));
    this.starting = false;
    this.adminKey = null;
    // pino's own default destination: buffered, flushed at exit.
    this.after = this.out === process.stdout ? pino.destination({ dest: 1, sync: false }) : this.out;
  }
}
