import { expect } from 'chai';
import type { Queryable } from '../../src/db/db.js';
import { createDb } from '../../src/db/db.js';
import { preparedQuery } from '../../src/db/prepared-query.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

const NAME = 'prepared_query_test';
const TEXT = 'SELECT $1::int + 1 AS n';
const preparedHere = async (q: Queryable): Promise<string[]> =>
  (await q.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);

for (const backend of BACKENDS) {
  describe(`db: a statement sent again and again is prepared once per connection (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDatabase;
    before(async function () {
      t = await freshDatabase(backend);
    });
    after(async function () {
      await t?.drop();
    });

    it('names the statement on a pool\'s connection, and answers with its rows every time', async function () {
      // One connection, so the session that prepared it is the one asked.
      const db = backend === 'postgres' ? createDb(t.url, { max: 1 }) : t.db;
      try {
        let sent = 0;
        for (const v of [1, 2]) expect(await preparedQuery<{ n: number }>(db, NAME, TEXT, [v], () => (sent += 1))).to.deep.equal([{ n: v + 1 }]);
        expect(sent).to.equal(2);
        const names = await db.withClient((c) => preparedHere(c));
        expect(names.filter((n) => new RegExp(`^${NAME}_[0-9a-f]{12}$`).test(n)), 'one statement, prepared once').to.have.length(1);
      } finally {
        if (db !== t.db) await db.close();
      }
    });

    it('names it on a transaction\'s connection too', async function () {
      const names = await t.db.transaction(async (tx) => {
        expect(await preparedQuery<{ n: number }>(tx, `${NAME}_tx`, TEXT, [41])).to.deep.equal([{ n: 42 }]);
        return preparedHere(tx);
      });
      expect(names.some((n) => n.startsWith(`${NAME}_tx_`))).to.equal(true);
    });

    it('prepares the same statement on two connections of one backend without a clash (the embedded PGlite shares one session)', async function () {
      const [a, b] = [createDb(t.url, { max: 1 }), createDb(t.url, { max: 1 })];
      try {
        for (const db of [a, b, a, b]) expect(await preparedQuery<{ n: number }>(db, `${NAME}_two`, TEXT, [1])).to.deep.equal([{ n: 2 }]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}

describe('db: a prepared query on a stand-in that is not a pg connection', function () {
  it('sends the plain text and values', async function () {
    const seen: unknown[] = [];
    const standIn = { query: async (text: string, values?: unknown[]) => (seen.push([text, values]), { rows: [{ n: 2 }] }) } as unknown as Queryable;
    expect(await preparedQuery(standIn, NAME, TEXT, [1])).to.deep.equal([{ n: 2 }]);
    expect(seen).to.deep.equal([[TEXT, [1]]]);
  });
});
