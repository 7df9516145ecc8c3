import { Client } from 'pg';
import { readFileSync } from 'node:fs';

// Benchmarks run on the machine's PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else 127.0.0.1:5432),
// each in a fresh database that is dropped afterwards.
export function serverUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

// A database a benchmark kept (BENCH_KEEP=1), by name, on the same server: reused, not dropped.
export function reusedDatabase(name: string): { url: string; drop: () => Promise<void> } {
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: async () => undefined };
}

// Peak resident set size while fn runs, sampled every 50 ms.
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRssMb: number; atPeak: string }> {
  let peak = process.memoryUsage().rss;
  let atPeak = process.memoryUsage();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) [peak, atPeak] = [m.rss, m];
  }, 50);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    return { result, peakRssMb: mb(peak), atPeak: `heap ${mb(atPeak.heapUsed)} of ${mb(atPeak.heapTotal)} MB, external ${mb(atPeak.external)} MB` };
  } finally {
    clearInterval(timer);
  }
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// CPU seconds (user + system) that processes on this machine have used so far, from /proc; 0 for one that is gone.
export function cpuSeconds(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may contain spaces
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
    } catch {
      out.set(pid, 0);
    }
  }
  return out;
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on Linux x86_64

// CPU used by a set of processes between two readings; processes that appeared meanwhile count from zero.
export function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}
