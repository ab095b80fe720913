import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway, type Services } from '../../src/app/gateway.js';
import { startSteps } from '../../src/app/start-steps.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { createClientAdmin } from '../../src/share/client-admin.js';

/**
 * A gateway as `csdl-gateway start` runs it on the embedded default, brought to where every
 * metric family has a series, as a scrape in production would find it: the first sync done
 * and its records shared, /metrics scraped once (counters start there), then an operator's
 * re-send (NDXP attempts), an agency's token and read and two refused requests (sharing
 * requests) and a signed audit checkpoint. The tools the ecosystem runs (promtool, redocly, a generated client) are held
 * against what this gateway serves.
 */
export const AGENCY = '000.00.00.G21';
export const PURPOSE = 'kiem-tra';

export interface MonitoredGateway {
  base: string;
  running: RunningGateway;
  operatorToken: string;
  agency: { code: string; secret: string };
  /** A person the national side accepted and the agency may read. */
  person: string;
  /** The OpenAPI document as served at /api/openapi.json. */
  document: Record<string, unknown>;
  /** /metrics after the actions above. */
  metrics: string;
  stop(): Promise<void>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startMonitoredGateway(): Promise<MonitoredGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-monitoring-'));
  let services: Services | undefined;
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', SYNC_CRON: '0 0 1 1 *' });
  const running = await startGateway(config, silentLogger(), [...startSteps(), async (ctx) => void (services = ctx.services)]);
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = `http://127.0.0.1:${running.port}`;
    const operatorToken = readFileSync(join(dir, 'operator-token'), 'utf8').trim();
    const db = running.store.db;
    await until('the first sync', async () => ((await db.query("SELECT 1 FROM csdl_gateway.sync_runs WHERE status = 'finished'")).rowCount ? true : undefined));
    const person = await until('the shared records', async () =>
      (await db.query<{ so_dinh_danh: string }>('SELECT so_dinh_danh FROM csdl_gateway.shared_records ORDER BY so_dinh_danh LIMIT 1')).rows[0]?.so_dinh_danh);
    await fetch(`${base}/metrics`).then((r) => r.text());

    const auth = { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' };
    const resend = await fetch(`${base}/api/ops/people/${person}/resend`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 'monitoring rehearsal' }) });
    if (resend.status !== 200) throw new Error(`resend answered ${resend.status}: ${await resend.text()}`);

    const admin = createClientAdmin(db);
    const secret = await admin.add(AGENCY, 'Monitoring rehearsal agency');
    await admin.grant(AGENCY, {
      routes: ['officials', 'units', 'statistics'], units: [config.senderCode], fieldGroups: ['basic'], purposes: [PURPOSE],
      expiresAt: new Date(Date.now() + 86_400_000), ratePerSecond: 1000,
    });
    const issued = await fetch(`${base}/share/oauth2/token`, {
      method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${AGENCY}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const read = await fetch(`${base}/share/v1/officials/${person}`, { headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE } });
    if (read.status !== 200) throw new Error(`the agency's read answered ${read.status}: ${await read.text()}`);
    // Two refusals: a purpose the grant does not name, and a client no one registered.
    await fetch(`${base}/share/v1/officials/${person}`, { headers: { authorization: `Bearer ${token}`, 'x-purpose': 'tra-cuu-rieng' } });
    await fetch(`${base}/share/oauth2/token`, {
      method: 'POST', headers: { authorization: `Basic ${Buffer.from('000.00.00.K99:guess').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });

    const audit = services?.audit as { checkpoint?: () => Promise<unknown> } | undefined;
    if (!audit?.checkpoint) throw new Error('the started gateway has no audit log to checkpoint');
    await audit.checkpoint();

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const document = (await (await fetch(`${base}/api/openapi.json`, { headers: auth })).json()) as Record<string, unknown>;
    return { base, running, operatorToken, agency: { code: AGENCY, secret }, person, document, metrics, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The metric names a scrape holds: every sample's name (histograms' _bucket, _sum and _count included). */
export function sampleNames(metrics: string): Set<string> {
  return new Set(metrics.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!));
}
