import net, { type AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { AttemptRecord } from '../../src/ndxp/http-exchange.js';
import type { NdxpClient, NdxpClientOptions } from '../../src/ndxp/ndxp-client.js';
import { UUID_RE, harness, rejectionOf } from './ndxp-harness.js';
import { json, reset, silence, startScriptedServer, token, type ScriptedServer } from './scripted-server.js';

const PACKET_ID = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';
const RECEIVED = { packetId: PACKET_ID, receiptId: 'R-0001', status: 'received' };
// Not re-serialised JSON: spacing, key order, a newline and Vietnamese must arrive as they are.
const ENVELOPE = Buffer.from('{ "signature":"MIIB", "format":"json",\n "payload":"eyJob1RlbiI6Ik5ndXnhu4VuIn0=" }', 'utf8');

describe('ndxp client over real HTTP on loopback', () => {
  let server: ScriptedServer;
  let client: NdxpClient;
  let attempts: AttemptRecord[];
  let sleeps: number[];

  // The shared harness (fake clock, recorded sleeps and attempts) pointed at the real server,
  // with backoffs of 10 ms.
  const connect = (overrides: Partial<NdxpClientOptions> = {}): NdxpClient => {
    const wired = harness({
      baseUrl: server.url,
      responseTimeoutMs: 1000,
      retry: { attempts: 4, minDelayMs: 10, maxDelayMs: 10 },
      ...overrides,
    });
    attempts = wired.attempts;
    sleeps = wired.sleeps;
    return wired.client;
  };

  beforeEach(async () => {
    server = await startScriptedServer();
  });

  afterEach(async () => {
    client?.close();
    await server.close();
  });

  it('re-sends the same bytes with a fresh X-Request-Id on every attempt', async () => {
    client = connect();
    server.script(token('t1'), json(503, { code: 'UNAVAILABLE' }, { 'Retry-After': '0' }), reset, json(202, RECEIVED));
    expect(await client.pushPacket(ENVELOPE)).to.deep.equal({ httpStatus: 202, receipt: RECEIVED });

    const pushes = server.seen.filter((r) => r.url === '/csdl/v1/packets');
    expect(pushes).to.have.length(3);
    for (const push of pushes) {
      expect(push.method).to.equal('POST');
      expect(push.body.equals(ENVELOPE)).to.equal(true);
      expect(push.headers['content-type']).to.equal('application/json');
      expect(push.headers['authorization']).to.equal('Bearer t1');
      expect(push.headers['x-consumer-code']).to.equal('000.00.00.H62');
      expect(push.headers['x-request-id']).to.match(UUID_RE);
    }
    const ids = server.seen.map((r) => r.headers['x-request-id']);
    expect(new Set(ids).size).to.equal(4);
    expect(attempts.map((a) => a.requestId)).to.deep.equal(ids);
    expect(attempts.map((a) => a.httpStatus ?? a.error?.split(':')[0])).to.deep.equal([200, 503, 'ndxp.reset', 202]);
    expect(sleeps).to.deep.equal([0, 10]);
  });

  it('ends an attempt the server never answers at the response timeout, then repeats', async () => {
    client = connect({ responseTimeoutMs: 150 });
    server.script(token('t1'), silence, json(202, RECEIVED));
    expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(202);
    expect(attempts[1]?.error).to.match(/^ndxp\.timeout/);
  });

  it('reports a refused connection as a retryable ndxp.refused', async () => {
    const port = server.url.split(':').pop();
    await server.close();
    client = connect({ baseUrl: `http://127.0.0.1:${port}`, retry: { attempts: 2, minDelayMs: 10, maxDelayMs: 10 } });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.include({ code: 'ndxp.refused', retryable: true, operation: 'token' });
    expect(attempts.map((a) => a.operation)).to.deep.equal(['token', 'token']);
    server = await startScriptedServer(); // for afterEach
  });

  it('gives up a TLS connection that is never established at the connect timeout', async () => {
    // A TCP listener that accepts and then says nothing: the TLS handshake never completes.
    const sockets: net.Socket[] = [];
    const mute = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = mute.address() as AddressInfo;
      client = connect({
        baseUrl: `https://127.0.0.1:${port}`,
        connectTimeoutMs: 100,
        responseTimeoutMs: 10_000,
        retry: { attempts: 1, minDelayMs: 10, maxDelayMs: 10 },
      });
      const err = await rejectionOf(client.pushPacket(ENVELOPE));
      expect(err).to.include({ code: 'ndxp.timeout', retryable: true });
      expect(String(err['message'])).to.match(/no connection within 100 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });
});
