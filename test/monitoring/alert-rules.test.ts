import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { NO_PROMTOOL, promtool, run } from './external-tools.js';

/**
 * The alert rules an operator loads into Prometheus, checked and unit-tested by promtool on
 * recorded series (deploy/prometheus/alerts.test.yml), and the Grafana dashboard read as
 * Grafana reads an import: JSON with its schema version, every panel on the gateway's data
 * source variable. The names both use are held against a live /metrics in monitoring.test.ts.
 */
const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');

describe('monitoring: the alert rules pass promtool; the dashboard is an importable Grafana dashboard', function () {
  this.timeout(60_000);

  it('promtool check rules accepts deploy/prometheus/alerts.yml', function () {
    const tool = promtool();
    if (!tool) {
      console.log(`      skipped: ${NO_PROMTOOL}`);
      this.skip();
    }
    const checked = run(tool, ['check', 'rules', 'alerts.yml'], { cwd: join(DEPLOY, 'prometheus') });
    expect(checked.output).to.match(/SUCCESS: \d+ rules found/);
    expect(checked.status, checked.output).to.equal(0);
  });

  it('promtool test rules: every alert fires on its recorded series and stays quiet on the healthy ones', function () {
    const tool = promtool();
    if (!tool) {
      console.log(`      skipped: ${NO_PROMTOOL}`);
      this.skip();
    }
    const tested = run(tool, ['test', 'rules', 'alerts.test.yml'], { cwd: join(DEPLOY, 'prometheus') });
    expect(tested.status, tested.output).to.equal(0);
    // Every alert the rules define is exercised by at least one test case.
    const rules = readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8');
    const tests = readFileSync(join(DEPLOY, 'prometheus', 'alerts.test.yml'), 'utf8');
    const alerts = new Set([...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!));
    const exercised = new Set([...tests.matchAll(/alertname: (\w+)/g)].map((m) => m[1]!));
    expect([...alerts].filter((a) => !exercised.has(a))).to.deep.equal([]);
  });

  it('the dashboard is JSON with a schema version, a uid, unique panel ids, every query on the data source variable', function () {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'csdl-gateway.json'), 'utf8')) as {
      uid: string; title: string; schemaVersion: number;
      panels: { id: number; type: string; datasource?: { uid: string }; targets?: { expr: string; refId: string }[] }[];
      templating: { list: { name: string }[] };
    };
    expect(dashboard.schemaVersion).to.be.a('number').and.at.least(36);
    expect(dashboard.uid).to.equal('csdl-gateway');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(dashboard.templating.list.map((v) => v.name)).to.include.members(['datasource', 'job', 'instance']);
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queried.length).to.be.greaterThan(10);
    for (const p of queried) {
      expect(p.datasource?.uid, `panel ${p.id}`).to.equal('${datasource}');
      expect(p.targets, `panel ${p.id}`).to.have.length.greaterThan(0);
      for (const t of p.targets!) expect(t.expr, `panel ${p.id} ${t.refId}`).to.match(/job=~"\$job",instance=~"\$instance"/);
    }
  });
});
