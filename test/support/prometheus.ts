// Reads a Prometheus text exposition (GET /metrics) as a dashboard query would: the value of one series by name and
// labels (labels not given may have any value; several matching series are summed). Undefined: no such series.
export interface Scrape {
  text: string;
  value(name: string, labels?: Record<string, string>): number | undefined;
  series(name: string): { labels: Record<string, string>; value: number }[];
}

export function parseMetrics(text: string): Scrape {
  const rows: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    rows.push({ name: m[1], labels, value: Number(m[3]) });
  }
  const matching = (name: string, labels: Record<string, string>) =>
    rows.filter((r) => r.name === name && Object.entries(labels).every(([k, v]) => r.labels[k] === v));
  return {
    text,
    value(name, labels = {}) {
      const found = matching(name, labels);
      return found.length ? found.reduce((sum, r) => sum + r.value, 0) : undefined;
    },
    series(name) {
      return matching(name, {}).map(({ labels, value }) => ({ labels, value }));
    },
  };
}

export async function scrape(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}
