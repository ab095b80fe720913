import { expect } from 'chai';
import { BACKENDS, freshDatabase } from './databases.js';

for (const backend of BACKENDS) {
  describe(`test databases: ${backend}`, function () {
    this.timeout(60_000);
    it('gives an empty database that runs SQL and transactions', async function () {
      const t = await freshDatabase(backend);
      try {
        await t.db.query('CREATE TABLE t (id int PRIMARY KEY)');
        await t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (1), (2)');
        });
        await t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (3)');
          throw new Error('roll back');
        }).catch(() => undefined);
        const res = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM t');
        expect(Number(res.rows[0]?.n)).to.equal(2);
      } finally {
        await t.drop();
      }
    });
  });
}
