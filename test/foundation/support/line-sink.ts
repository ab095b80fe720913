import { PassThrough } from 'node:stream';

/**
 * A stream a logger writes to, read back line by line. A test waits for the lines it expects
 * (`next`, `waitFor`), never for a clock; mocha's timeout ends a wait that is never satisfied.
 */
export interface LineSink {
  stream: PassThrough;
  lines: string[];
  /** The next `count` lines not yet taken by `next`. */
  next(count?: number): Promise<string[]>;
  /** The first line, already written or still to come, that `match` accepts. */
  waitFor(match: (line: string) => boolean): Promise<string>;
}

export function lineSink(): LineSink {
  const stream = new PassThrough();
  const lines: string[] = [];
  const waiters = new Set<() => boolean>();
  let buffered = '';
  let taken = 0;
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.filter((p) => p.length > 0));
    for (const settle of waiters) if (settle()) waiters.delete(settle);
  });
  const until = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const settle = (): boolean => {
        const found = check();
        if (found === undefined) return false;
        resolve(found);
        return true;
      };
      if (!settle()) waiters.add(settle);
    });
  return {
    stream,
    lines,
    async next(count = 1) {
      const want = taken + count;
      const got = await until(() => (lines.length >= want ? lines.slice(want - count, want) : undefined));
      taken = want;
      return got;
    },
    waitFor: (match) => until(() => lines.find(match)),
  };
}
