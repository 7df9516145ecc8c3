// Polls a condition (the service works asynchronously through its job engine) until it holds or time runs out.
export async function waitFor<T>(probe: () => Promise<T>, accept: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 500)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
