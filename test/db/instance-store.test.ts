import { expect } from 'chai';
import { GatewayError } from '../../src/errors.js';
import { bindInstance } from '../../src/db/instance-store.js';
import { BACKENDS, migratedDatabase } from '../setup/databases.js';

for (const backend of BACKENDS) {
  describe(`db: bindInstance (${backend})`, function () {
    this.timeout(60_000);
    const t = migratedDatabase(backend);

    it('binds the store to the first sender code and accepts it again', async function () {
      await bindInstance(t.db, '000.00.00.H62');
      await bindInstance(t.db, '000.00.00.H62');
      const res = await t.db.query<{ sender_code: string }>('SELECT sender_code FROM csdl_gateway.gateway_instance');
      expect(res.rows).to.deep.equal([{ sender_code: '000.00.00.H62' }]);
    });

    it('refuses another sender code with db.instance_mismatch and keeps the first', async function () {
      let failure: unknown;
      await bindInstance(t.db, '000.00.00.H29').catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(GatewayError);
      expect((failure as GatewayError).code).to.equal('db.instance_mismatch');
      expect((failure as GatewayError).message).to.include('000.00.00.H62').and.include('000.00.00.H29');
      const res = await t.db.query<{ sender_code: string }>('SELECT sender_code FROM csdl_gateway.gateway_instance');
      expect(res.rows).to.deep.equal([{ sender_code: '000.00.00.H62' }]);
    });
  });
}
