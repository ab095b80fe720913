import { expect } from 'chai';
import { createCmsSigner, type CmsSigner } from '../../src/signing/cms-signer.js';
import { loadKeyRing, sourceFromPath } from '../../src/signing/key-store.js';
import { createSyncService } from '../../src/sync/sync-service.js';
import { openssl, PROVINCE, TempDir } from '../signing/pki-fixture.js';
import { certifyKey, generateKey, importCertificate, initToken, pullOut, SOFTHSM_LIB, softHsmMissing, USER_PIN } from '../signing/softhsm-fixture.js';
import { startSyncWorld, type SyncWorld } from './sync-harness.js';

/**
 * A sync signed on a SoftHSM2 token, end to end over HTTP to the simulator: the national side
 * accepts every packet and `openssl cms -verify` accepts every stored envelope. The token is
 * pulled out after two packets: the run stops with signing.token_removed, what was signed is
 * stored and sent, nothing unsigned is stored; put back, the next run signs the rest once.
 * The provincial sample alone: persons 1-9 are due and valid.
 */
const missing = softHsmMissing();
(missing ? describe.skip : describe)(`sync signed on a PKCS#11 token${missing ? ` - skipped: ${missing}` : ''}`, function () {
  this.timeout(90_000);
  let w: SyncWorld;
  const dir = new TempDir();

  before(async function () {
    // Two databases and a simulator: slow to start on a busy machine.
    this.timeout(300_000);
    w = await startSyncWorld({ storeBackend: 'pglite' });
  });
  after(async function () {
    await w?.close();
    dir.remove();
  });

  async function envelopes(): Promise<{ packet_id: string; envelope: Buffer; status: string }[]> {
    const res = await w.store.db.query<{ packet_id: string; envelope: Buffer; status: string }>('SELECT packet_id, envelope, status FROM csdl_gateway.packets ORDER BY created_at');
    return res.rows;
  }

  it('signs every packet on the token; a token pulled out mid-run leaves nothing lost and nothing signed twice', async function () {
    const token = initToken('Sync H62');
    const key = generateKey(token, 'province-signing', Buffer.from([0x11]));
    const issuer = { certificate: w.sim.pki.caCert, privateKey: w.sim.pki.caKey };
    importCertificate(token, 'province-signing', Buffer.from([0x11]), certifyKey(issuer, key.publicKey, { commonName: 'Sở Nội vụ (token)' }));
    const ring = await loadKeyRing([sourceFromPath('pkcs11:token=Sync%20H62;object=province-signing', USER_PIN, undefined, SOFTHSM_LIB)], { senderCode: PROVINCE });
    const onToken = createCmsSigner(ring);

    // The officer pulls the token out just before the third packet is signed.
    let signed = 0;
    let pulled: { putBack(): void } | undefined;
    const signer: CmsSigner = {
      identity: (at) => onToken.identity(at),
      sign(payload, at) {
        if (signed === 2 && pulled === undefined) pulled = pullOut(token);
        const signature = onToken.sign(payload, at);
        signed += 1;
        return signature;
      },
    };
    const service = createSyncService({ ...w.deps({ settings: { maxRecords: 2 } }), signer });

    let failure: unknown;
    await service.run().catch((err: unknown) => { failure = err; });
    expect(failure).to.have.property('code', 'signing.token_removed');
    const afterFirst = await envelopes();
    expect(afterFirst).to.have.length(2);
    expect((await w.ledger()).packets.total).to.equal(2);

    pulled!.putBack();
    const summary = await service.run();
    expect(summary.packetsFailed).to.equal(0);
    const ledger = await w.ledger();
    expect(ledger.acceptances).to.deep.include({ total: 9, versions: 9, repeated: [] });
    const all = await envelopes();
    expect(all).to.have.length(5);
    expect(all.slice(0, 2).map((p) => p.packet_id)).to.deep.equal(afterFirst.map((p) => p.packet_id));
    expect(all.every((p) => p.status === 'done')).to.equal(true);
    const inPackets = await w.store.db.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT vendor_id)::int AS distinct FROM csdl_gateway.record_versions WHERE packet_id IS NOT NULL`,
    );
    expect(inPackets.rows[0]).to.deep.equal({ n: 9, distinct: 9 });

    const caFile = dir.file('sim-ca.pem', w.sim.pki.caCertPem);
    for (const [i, p] of all.entries()) {
      const envelope = JSON.parse(p.envelope.toString('utf8')) as { payload: string; signature: string };
      const sig = dir.file(`p${i}.der`, Buffer.from(envelope.signature, 'base64'));
      const content = dir.file(`p${i}.bin`, Buffer.from(envelope.payload, 'base64'));
      const result = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', content, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);
      expect(result.stderr, `packet ${i}`).to.contain('Verification successful');
    }
  });
});
