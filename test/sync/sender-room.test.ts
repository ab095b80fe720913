import { expect } from 'chai';
import type { NdxpClient } from '../../src/ndxp/ndxp-client.js';
import { createSender, type SendContext } from '../../src/sync/sync-send.js';
import { emptySummary } from '../../src/sync/sync-summary.js';

/**
 * The sender's room (sync-send.ts): a producer that outruns it waits for room rather than
 * storing packets whose bytes would be read back from the store.
 */
describe('sync: the sender makes a fast producer wait', function () {
  it('keeps the bytes of the first eight waiting, reads back the rest, and gives room once fewer than five wait', async function () {
    const readBack: string[] = [];
    const sent: string[] = [];
    const releases: (() => void)[] = [];
    const store = {
      envelopeOf: async (id: string) => {
        readBack.push(id);
        return Buffer.from(id);
      },
      markSent: async () => undefined,
      recordAttempt: async () => undefined,
    } as unknown as SendContext['store'];
    const client = {
      pushPacket: (bytes: Buffer) => new Promise((resolve) => {
        releases.push(() => {
          sent.push(bytes.toString());
          resolve({ receipt: { receiptId: `r-${sent.length}` } });
        });
      }),
    } as unknown as NdxpClient;
    const sender = createSender({ store, logger: { warn: () => undefined, error: () => undefined } as unknown as SendContext['logger'] }, client, emptySummary());
    for (let i = 1; i <= 10; i += 1) sender.enqueue(`p${i}`, Buffer.from(`p${i}`));
    let roomy = false;
    const room = sender.room().then(() => {
      roomy = true;
    });
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    // p1 is being sent: nine wait.
    for (let i = 0; i < 5; i += 1) {
      expect(roomy, `room with ${9 - i} waiting`).to.equal(false);
      releases.shift()!();
      await settle();
      await settle();
    }
    // p6 is being sent: four wait.
    expect(roomy).to.equal(true);
    await room;
    while (releases.length > 0) {
      releases.shift()!();
      await settle();
      await settle();
    }
    await sender.drain();
    expect(sent).to.deep.equal(Array.from({ length: 10 }, (_, i) => `p${i + 1}`));
    expect(readBack).to.deep.equal(['p9', 'p10']);
    await sender.room(); // nothing waits: at once
  });
});
