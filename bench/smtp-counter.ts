import { SMTPServer } from 'smtp-server';

// A local SMTP server in its own process (so that its CPU and memory are not the service's): accepts everything,
// keeps nothing but a count and the bytes, and reports both to the parent over IPC.
let count = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 20 * 1024 * 1024,
  maxClients: 100,
  onData(stream, _session, cb) {
    let n = 0;
    stream.on('data', (c: Buffer) => (n += c.length));
    stream.on('end', () => {
      count++;
      bytes += n;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  process.send?.({ port });
});
setInterval(() => process.send?.({ count, bytes }), 100);
process.on('message', (m: { reset?: boolean }) => {
  if (m.reset) count = bytes = 0;
});
process.on('disconnect', () => process.exit(0));
