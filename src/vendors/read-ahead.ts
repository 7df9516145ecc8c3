// Fetches the next item of an async iterable while the caller is still busy with the current one, so the vendor's
// network time and our database time overlap instead of adding up. Depth 1 keeps memory bounded to one page.
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // A rejection of the prefetch is seen at the next await; keep it from being reported as unhandled meanwhile.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}
