import { Pool } from 'undici';

// A keep-alive load generator run as its own process, so that it does not share the event loop of the server it
// measures: `node load-client.js <url> <concurrency> <seconds> [bearer key]`. Prints one JSON line of figures.
async function main(): Promise<void> {
  const [url, concArg, secondsArg, key] = process.argv.slice(2);
  const target = new URL(url);
  const concurrency = Number(concArg);
  const seconds = Number(secondsArg);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const path = target.pathname + target.search;
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const res = await pool.request({ method: 'GET', path, headers });
      await res.body.text();
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  process.stdout.write(JSON.stringify({ requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99) }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
