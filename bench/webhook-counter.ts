import { createServer } from 'node:http';

// A local webhook receiver in its own process (so that its CPU is not the service's): answers 200 to everything,
// and reports to the parent over IPC, every 100 ms, the count and, per message, the event id it carries (the first
// "id" of the body: data.event.id of a security_event.created) with the time the 2xx was written (ms, epoch).
let count = 0;
let arrivals: [string, number][] = [];
const ID = /"id":"([^"]{1,64})"/;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    count++;
    const m = ID.exec(Buffer.concat(chunks).toString('utf8'));
    if (m && req.headers['webhook-id']) arrivals.push([m[1], performance.timeOrigin + performance.now()]);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ port });
});
setInterval(() => {
  process.send?.({ count, arrivals });
  arrivals = [];
}, 100);
process.on('message', (m: { reset?: boolean }) => {
  if (m.reset) count = 0;
});
process.on('disconnect', () => process.exit(0));
