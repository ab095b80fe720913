import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite served over the PostgreSQL wire protocol to SEVERAL connections at once, so a CLI
 * process can work on the embedded store while the gateway runs (docs/decisions/embedded-postgres.md).
 *
 * PGlite is one backend. pglite-socket's server queues each protocol message on its own, so
 * two clients' extended-protocol messages interleave (one's Parse replaces the other's unnamed
 * statement: `portal "" does not exist`); that is why it was used with one connection. Here a
 * client's messages are gathered up to the message that ends a round (Sync, a simple Query,
 * Flush) and run together, and a client whose round leaves a transaction open keeps the backend
 * until its transaction ends. Rounds of different clients never interleave, and a transaction
 * is never entered by another client's statements: each client sees what a PostgreSQL
 * connection gives it, one at a time.
 *
 * What one backend cannot give: session state is shared (session-level advisory locks, SET,
 * named prepared statements); the gateway's code uses none across connections but the sync
 * lock, which the CLI does not take on a borrowed store (src/compose/databases.ts), and its
 * prepared statements are named per connection (src/db/prepared-query.ts).
 */
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Messages after which a client waits for an answer. */
const ROUND_ENDS: ReadonlySet<string> = new Set(['S', 'Q', 'H']);

export interface WireServer {
  port: number;
  /** Connections open now. */
  connections(): number;
  stop(): Promise<void>;
}

/** One backend, handed to one client at a time; a client holding a transaction keeps it. */
function backendTurns() {
  let owner: object | undefined;
  let tail: Promise<void> = Promise.resolve();
  const waiting: (() => void)[] = [];
  return {
    /** Runs `work` when the backend is free or already this client's; keeps it while `keep()` says so. */
    async turn<T>(client: object, work: () => Promise<T>, keep: () => boolean): Promise<T> {
      while (owner !== undefined && owner !== client) await new Promise<void>((resolve) => waiting.push(resolve));
      owner = client;
      const run = tail.then(work);
      tail = run.then(() => undefined, () => undefined);
      try {
        return await run;
      } finally {
        if (!keep()) {
          owner = undefined;
          for (const wake of waiting.splice(0)) wake();
        }
      }
    },
    /** A client gone: if it held the backend, its transaction is rolled back and the backend freed. */
    async release(client: object, rollback: () => Promise<void>): Promise<void> {
      if (owner !== client) return;
      await rollback().catch(() => undefined);
      owner = undefined;
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

function messageLength(buffer: Buffer, started: boolean): number | undefined {
  if (!started) return buffer.length >= 4 ? buffer.readInt32BE(0) : undefined;
  return buffer.length >= 5 ? 1 + buffer.readInt32BE(1) : undefined;
}

export async function serveWire(db: PGlite, options: { host: string; port: number }): Promise<WireServer> {
  const turns = backendTurns();
  const sockets = new Set<Socket>();

  function attach(socket: Socket): void {
    sockets.add(socket);
    socket.setNoDelay(true);
    const client = {};
    let started = false;
    let pending = Buffer.alloc(0);
    let round: Buffer[] = [];
    let work: Promise<void> = Promise.resolve();
    /** Rounds run in the order they came; a failure of the backend itself ends the connection. */
    const enqueue = (message: Buffer): void => {
      work = work.then(() => run(message)).catch(() => {
        socket.destroy();
      });
    };

    const run = (message: Uint8Array) => turns.turn(client, async () => {
      await db.runExclusive(() => db.execProtocolRawStream(message, {
        onRawData: (data) => {
          if (socket.writable) socket.write(Buffer.from(data));
        },
      }));
    }, () => db.isInTransaction());

    function take(message: Buffer): void {
      if (!started) {
        const code = message.length >= 8 ? message.readInt32BE(4) : 0;
        if (code === SSL_REQUEST) {
          socket.write('N');
          return;
        }
        if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        }
        if (code === PROTOCOL_3) started = true;
        enqueue(message);
        return;
      }
      const type = String.fromCharCode(message[0]!);
      if (type === 'X') {
        socket.end();
        return;
      }
      round.push(message);
      if (!ROUND_ENDS.has(type)) return;
      const batch = Buffer.concat(round);
      round = [];
      enqueue(batch);
    }

    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const length = messageLength(pending, started);
        if (length === undefined || pending.length < length) return;
        take(pending.subarray(0, length));
        pending = pending.subarray(length);
      }
    });
    const gone = () => {
      sockets.delete(socket);
      void work.then(() => turns.release(client, async () => {
        await db.runExclusive(() => db.exec('ROLLBACK'));
      }));
    };
    socket.on('close', gone);
    socket.on('error', () => socket.destroy());
  }

  const server: Server = createServer(attach);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    connections: () => sockets.size,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
