import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { NO_PROMTOOL, npmBin, promtool, run } from './external-tools.js';
import { generateClient, type GeneratedClient } from './generated-client.js';
import { PURPOSE, sampleNames, startMonitoredGateway, type MonitoredGateway } from './monitored-gateway.js';

/**
 * What a started gateway publishes, held against the tools the ecosystem runs on it:
 * promtool on /metrics, the alert rules' and the dashboard's metric names against /metrics,
 * Redocly's recommended rules on /api/openapi.json, and a client generated from that
 * document calling the gateway as an agency and as an operator.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const METRIC_NAME = /\b(?:csdl_gateway|process|nodejs)_[a-z0-9_]+\b/g;

describe('monitoring: a started gateway as Prometheus, Grafana, Redocly and a generated client see it', function () {
  this.timeout(300_000);
  let g: MonitoredGateway;

  before(async function () {
    g = await startMonitoredGateway();
  });
  after(async function () {
    await g?.stop();
  });

  it('promtool check metrics finds nothing to say about /metrics after a sync, a re-send and a shared read', function () {
    const tool = promtool();
    if (!tool) {
      console.log(`      skipped: ${NO_PROMTOOL}`);
      this.skip();
    }
    const checked = run(tool, ['check', 'metrics'], { input: g.metrics });
    expect(checked.output, 'promtool check metrics').to.equal('');
    expect(checked.status).to.equal(0);
    // The scrape is one the alerts and the dashboard have data in.
    expect(g.metrics).to.contain('csdl_gateway_ndxp_attempts_total{operation="push"');
  });

  it("sharing requests by agency, action, purpose and outcome; a refusal's purpose and an unregistered client's name stay out of the labels", function () {
    const shares = g.metrics.split('\n').filter((l) => l.startsWith('csdl_gateway_share_requests_total{')).sort();
    expect(shares).to.deep.equal([
      'csdl_gateway_share_requests_total{agency="000.00.00.G21",action="share.official.read",purpose="",outcome="refused"} 1',
      'csdl_gateway_share_requests_total{agency="000.00.00.G21",action="share.official.read",purpose="kiem-tra",outcome="ok"} 1',
      'csdl_gateway_share_requests_total{agency="000.00.00.G21",action="share.token.issue",purpose="",outcome="ok"} 1',
      'csdl_gateway_share_requests_total{agency="unknown",action="share.token.issue",purpose="",outcome="refused"} 1',
    ]);
  });

  it('every metric the alert rules and the dashboard query is in /metrics', function () {
    const served = sampleNames(g.metrics);
    const used = (file: string) => new Set(readFileSync(join(ROOT, file), 'utf8').match(METRIC_NAME) ?? []);
    for (const file of ['deploy/prometheus/alerts.yml', 'deploy/grafana/csdl-gateway.json']) {
      const names = used(file);
      expect(names.size, file).to.be.greaterThan(5);
      expect([...names].filter((n) => !served.has(n)), `${file}: names not in /metrics`).to.deep.equal([]);
    }
  });

  it('Redocly lints /api/openapi.json clean with its recommended rules (ignored problems listed with their reasons)', function () {
    const file = join(ROOT, 'deploy', 'openapi', 'openapi.json');
    writeFileSync(file, JSON.stringify(g.document, null, 2));
    try {
      const linted = run(npmBin(ROOT, 'redocly'), ['lint', 'openapi.json', '--format=stylish'], {
        cwd: join(ROOT, 'deploy', 'openapi'), env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
      expect(linted.output.split('\n').filter((l) => /^\s*\d+:\d+\s+(error|warning)\s/.test(l)), linted.output).to.deep.equal([]);
      expect(linted.output).to.contain('Your API description is valid');
      expect(linted.status, linted.output).to.equal(0);
    } finally {
      rmSync(file, { force: true });
    }
  });

  describe('a TypeScript client generated from /api/openapi.json (openapi-typescript, openapi-fetch)', function () {
    let client: GeneratedClient;
    before(async function () {
      client = await generateClient(g.document);
    });
    after(function () {
      client?.remove();
    });

    it('compiles with tsc in strict mode', function () {
      expect(client.compiled.output, 'tsc').to.equal('');
      expect(client.compiled.status).to.equal(0);
    });

    it('an agency reads an official through /share with its OAuth2 client credentials', async function () {
      const { readOfficial } = await client.load();
      const official = await readOfficial(g.base, g.agency.code, g.agency.secret, g.person, PURPOSE);
      expect(official.soDinhDanh).to.equal(g.person);
      expect(official.fieldGroups).to.deep.equal(['basic']);
      expect(official.record).to.have.property('hoTen');
      expect(official.record).not.to.have.property('luong');
    });

    it('an operator lists the failing (invalid) records, as many as the store holds', async function () {
      const { failingRecords } = await client.load();
      const page = await failingRecords(g.base, g.operatorToken, 'invalid');
      const held = await g.running.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM csdl_gateway.record_versions WHERE status = 'invalid'");
      expect(held.rows[0]!.n).to.be.greaterThan(0);
      expect(page.total).to.equal(held.rows[0]!.n);
      expect(page.items.map((i) => i.state)).to.deep.equal(Array(Math.min(page.total, 100)).fill('invalid'));
    });
  });
});
