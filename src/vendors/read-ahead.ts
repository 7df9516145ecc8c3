// Fetches the next items of an async iterable while the caller is still busy with the current one, so the vendor's
// network time and our database time overlap instead of adding up. At most `depth` items are held ahead, which bounds
// memory; an async generator runs queued next() calls one after another, so order and the vendor's paging are kept.
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<T>>[] = [];
  const fetch = () => {
    const p = it.next();
    // A rejection of a prefetch is seen when its turn comes; keep it from being reported as unhandled meanwhile.
    p.catch(() => undefined);
    ahead.push(p);
  };
  try {
    fetch();
    for (;;) {
      const r = await ahead.shift()!;
      if (r.done) return;
      while (ahead.length < depth) fetch();
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}
