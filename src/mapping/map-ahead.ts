/**
 * `fn` over an async source with up to `depth` items started ahead of the consumer, results
 * yielded in the source's order. The source is pulled in the background, so reading the next
 * chunk and mapping it on the threads go on while the consumer stores the last one. Breaking
 * out (or a throw) stops the pulling and closes the source.
 */
export async function* mapAhead<T, R>(source: AsyncIterable<T>, fn: (item: T) => Promise<R>, depth: number): AsyncGenerator<R> {
  const started: Promise<R>[] = [];
  let room: (() => void) | undefined;
  let arrived: (() => void) | undefined;
  let finished = false;
  let stopped = false;
  let failure: { err: unknown } | undefined;
  const signal = () => {
    arrived?.();
    arrived = undefined;
  };
  const pump = (async () => {
    try {
      for await (const item of source) {
        if (stopped) return; // the consumer left while this item was being fetched
        const result = fn(item);
        result.catch(() => undefined); // awaited in order below; a rejection is seen there
        started.push(result);
        signal();
        while (started.length >= depth && !stopped) await new Promise<void>((resolve) => (room = resolve));
        if (stopped) return;
      }
    } catch (err) {
      failure = { err };
    } finally {
      finished = true;
      signal();
    }
  })();
  try {
    for (;;) {
      const next = started.shift();
      if (next === undefined) {
        if (failure) throw failure.err;
        if (finished) return;
        await new Promise<void>((resolve) => (arrived = resolve));
        continue;
      }
      room?.();
      room = undefined;
      yield await next;
    }
  } finally {
    stopped = true;
    room?.();
    await pump;
  }
}
