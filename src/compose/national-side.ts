import type { Config } from '../config/config.js';
import { MINISTRY_AGENCY_CODE } from '../contract/national-contract.js';
import { createNdxpClient, type AttemptObserver, type NdxpClient } from '../ndxp/ndxp-client.js';

/**
 * The national side the gateway talks to: NDXP when NDXP_URL is set, otherwise the built-in
 * national simulator on loopback (the embedded default), with its ledger under DATA_DIR and
 * the development PKI's Ministry identity. Endpoints are configuration, never code.
 */
export interface NationalSide {
  client: NdxpClient;
  receiverCode: string;
  description: string;
  close(): Promise<void>;
}

/**
 * `observe` sees every attempt of every caller (metrics); each caller files its own attempts
 * through the per-call `onAttempt` of the client's calls.
 */
export async function openNationalSide(config: Config, observe?: AttemptObserver): Promise<NationalSide> {
  let baseUrl = config.ndxp.url;
  let clientId = config.ndxp.clientId;
  let clientSecret = config.ndxp.clientSecret;
  let stopSimulator: () => Promise<void> = async () => undefined;
  let description = `NDXP at ${baseUrl ?? ''}`;
  if (!baseUrl) {
    // Imported only when used: the simulator brings express and its own ledger, and the
    // development PKI its certificate builder, ~0.5 s of start-up that a gateway pointed at
    // NDXP should not pay on every `sync`.
    const { startDevSimulator } = await import('../simulator/dev-simulator.js');
    const { DEV_PKI_DIR, DEV_PKI_PASSPHRASE } = await import('../signing/dev-pki.js');
    const sim = await startDevSimulator({
      pkiDir: DEV_PKI_DIR, passphrase: DEV_PKI_PASSPHRASE, senderCode: config.senderCode,
      port: config.simulatorPort, dataDir: config.dataDir,
    });
    baseUrl = sim.url;
    clientId = sim.client.clientId;
    clientSecret = sim.client.clientSecret;
    stopSimulator = () => sim.stop();
    description = `national simulator at ${sim.url} (ledger in ${config.dataDir}/simulator; ${sim.url}/_sim/ledger)`;
  }
  const client = createNdxpClient({
    baseUrl, clientId: clientId ?? '', clientSecret: clientSecret ?? '', consumerCode: config.senderCode,
    connectTimeoutMs: 10_000, responseTimeoutMs: config.ndxpTimeoutMs,
    ...(observe ? { onAttempt: observe } : {}),
  });
  return {
    client, receiverCode: MINISTRY_AGENCY_CODE, description,
    async close() {
      client.close();
      await stopSimulator();
    },
  };
}
