import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { configFrom, loadConfig, loadRawConfig, type Config } from '../../src/config/config.js';
import { configSchema } from '../../src/config/config-schema.js';
import { nationalContract } from '../../src/contract/national-contract.js';
import { GatewayError } from '../../src/errors.js';

/** Runs loadConfig(env) expecting a refusal; returns the error for closer checks. */
function refusal(env: NodeJS.ProcessEnv): GatewayError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(GatewayError);
    return err as GatewayError;
  }
  expect.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The start-up contract: code config.invalid, one line, the key named. */
function expectRefusedNaming(env: NodeJS.ProcessEnv, key: string): GatewayError {
  const err = refusal(env);
  expect(err.code).to.equal('config.invalid');
  expect(err.message).to.include(key);
  expect(err.message).not.to.include('\n');
  return err;
}

describe('config: loadConfig', function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-config-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('defaults and overrides', function () {
    it('gives the documented defaults with an empty environment', function () {
      const config = loadConfig({});
      expect(config.databaseUrl).to.equal(undefined);
      expect(config.sourceDatabaseUrl).to.equal(undefined);
      expect(config.ndxp).to.deep.equal({ url: undefined, clientId: undefined, clientSecret: undefined });
      expect(config.senderCode).to.equal('000.00.00.H62');
      expect(config.signing.keyFile).to.equal(undefined);
      expect(config.mappingFile).to.equal('mappings/qlcb');
      expect(config.syncCron).to.equal('*/15 * * * *');
      expect(config.port).to.equal(8080);
      expect(config.host).to.equal('127.0.0.1');
      expect(config.tls).to.equal(undefined);
      expect(config.logLevel).to.equal('info');
      expect(config.logFormat).to.equal(undefined);
      expect(config.dataDir).to.equal(resolve('data'));
      expect(config.packet).to.deep.equal({ maxRecords: 500, maxBytes: 8 * 1024 * 1024, format: 'json' });
      expect(config.demoPeople).to.equal(500);
      expect(config.demoVendor).to.equal('qlcb');
    });

    it('DEMO_SOURCES=2 makes the embedded default two sources (default and the other vendor); unset or 1 changes nothing; refused beside SOURCES_FILE or SOURCE_DATABASE_URL', function () {
      const one = loadConfig({ DATA_DIR: '/tmp/csdl-demo' });
      expect(one.demoSources).to.equal(1);
      expect(loadConfig({ DATA_DIR: '/tmp/csdl-demo', DEMO_SOURCES: '1' }).sources).to.deep.equal(one.sources);
      const two = loadConfig({ DATA_DIR: '/tmp/csdl-demo', DEMO_SOURCES: '2' });
      expect(two.demoSources).to.equal(2);
      expect(two.sources.fromFile).to.equal(true);
      expect(two.sources.conflictPolicy).to.equal('manual');
      expect(two.sources.sources).to.deep.equal([
        { name: 'default', databaseUrl: undefined, mapping: 'mappings/qlcb', overlayFile: '/tmp/csdl-demo/mapping-overlay.json' },
        { name: 'nhansu', databaseUrl: undefined, mapping: 'mappings/nhansu', overlayFile: '/tmp/csdl-demo/mapping-overlay-nhansu.json' },
      ]);
      const other = loadConfig({ DATA_DIR: '/tmp/csdl-demo', DEMO_SOURCES: '2', DEMO_VENDOR: 'nhansu' }).sources.sources;
      expect(other.map((s) => [s.name, s.mapping])).to.deep.equal([['default', 'mappings/nhansu'], ['qlcb', 'mappings/qlcb']]);
      expect(refusal({ DEMO_SOURCES: '2', SOURCE_DATABASE_URL: 'postgres://gw@db/qlcb' }).message).to.include('unset SOURCE_DATABASE_URL');
      expect(refusal({ DEMO_SOURCES: '2', SOURCES_FILE: '/nowhere/sources.json' }).message).to.include('unset SOURCES_FILE');
      expect(refusal({ DEMO_SOURCES: '3' }).message).to.include('DEMO_SOURCES');
    });

    it('DEMO_VENDOR picks the demo schema and, unless MAPPING_FILE is set, its mapping folder; an unknown vendor is refused', function () {
      expect(loadConfig({ DEMO_VENDOR: 'nhansu' })).to.include({ demoVendor: 'nhansu', mappingFile: 'mappings/nhansu' });
      expect(loadConfig({ DEMO_VENDOR: 'nhansu', MAPPING_FILE: 'mappings/custom' })).to.include({ demoVendor: 'nhansu', mappingFile: 'mappings/custom' });
      expect(refusal({ DEMO_VENDOR: 'misa' }).message).to.include('DEMO_VENDOR');
    });

    it('lets the environment override and coerces numbers', function () {
      const config = loadConfig({
        PORT: '9090',
        SENDER_CODE: '000.00.00.H29',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgres://gw@db.example:5432/gateway',
        PACKET_MAX_RECORDS: '100',
        DATA_DIR: '/var/lib/csdl',
      });
      expect(config.port).to.equal(9090);
      expect(config.senderCode).to.equal('000.00.00.H29');
      expect(config.logLevel).to.equal('debug');
      expect(config.databaseUrl).to.equal('postgres://gw@db.example:5432/gateway');
      expect(config.packet.maxRecords).to.equal(100);
      expect(config.dataDir).to.equal('/var/lib/csdl');
    });

    it('treats an empty variable as unset', function () {
      expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).to.equal(8080);
    });

    it('layers CONFIG_FILE over the defaults and the environment over CONFIG_FILE', function () {
      const file = join(dir, 'layer.json');
      writeFileSync(file, JSON.stringify({ PORT: 7000, LOG_LEVEL: 'warn' }));
      const fromFile = loadConfig({ CONFIG_FILE: file });
      expect(fromFile.port).to.equal(7000);
      expect(fromFile.logLevel).to.equal('warn');
      expect(loadConfig({ CONFIG_FILE: file, PORT: '7001' }).port).to.equal(7001);
    });

    it('accepts a complete NDXP and PEM signing configuration', function () {
      const config = loadConfig({
        NDXP_URL: 'https://ndxp.example.gov.vn',
        NDXP_CLIENT_ID: 'h62',
        NDXP_CLIENT_SECRET: 'secret',
        SIGNING_KEY_FILE: '/keys/h62.pem',
        SIGNING_CERT_FILE: '/keys/h62.crt',
        TRUST_ANCHORS_FILE: '/keys/bnv-ca.pem',
      });
      expect(config.ndxp.url).to.equal('https://ndxp.example.gov.vn');
      expect(config.signing.certFile).to.equal('/keys/h62.crt');
    });

    it('returns a deeply frozen object', function () {
      const config = loadConfig({});
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.ndxp)).to.equal(true);
      expect(Object.isFrozen(config.signing)).to.equal(true);
      expect(Object.isFrozen(config.packet)).to.equal(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).to.throw(TypeError);
      expect(() => {
        (config.packet as Config['packet'] & { maxRecords: number }).maxRecords = 1;
      }).to.throw(TypeError);
    });
  });

  describe('refusals: code config.invalid, one line naming the key', function () {
    it('PORT that is not a number', function () {
      expectRefusedNaming({ PORT: 'abc' }, 'PORT');
    });

    it('PORT out of range', function () {
      expectRefusedNaming({ PORT: '70000' }, 'PORT');
    });

    it('SENDER_CODE that is not an agency code', function () {
      expectRefusedNaming({ SENDER_CODE: 'H62' }, 'SENDER_CODE');
      expectRefusedNaming({ SENDER_CODE: '000.00.00.Z62' }, 'SENDER_CODE');
    });

    it('LOG_LEVEL outside the allowed values', function () {
      expectRefusedNaming({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL');
    });

    it('an unknown key in CONFIG_FILE', function () {
      const file = join(dir, 'unknown.json');
      writeFileSync(file, JSON.stringify({ PORT: 8081, DATABSE_URL: 'postgres://typo' }));
      expectRefusedNaming({ CONFIG_FILE: file }, 'DATABSE_URL');
    });

    it('NDXP_URL without NDXP_CLIENT_ID', function () {
      expectRefusedNaming(
        {
          NDXP_URL: 'https://ndxp.example.gov.vn',
          NDXP_CLIENT_SECRET: 'secret',
          SIGNING_KEY_FILE: '/keys/h62.p12',
          TRUST_ANCHORS_FILE: '/keys/bnv-ca.pem',
        },
        'NDXP_CLIENT_ID',
      );
    });

    it('a PEM SIGNING_KEY_FILE without SIGNING_CERT_FILE', function () {
      expectRefusedNaming({ SIGNING_KEY_FILE: '/keys/h62.pem' }, 'SIGNING_CERT_FILE');
    });

    it('a CONFIG_FILE that is not JSON', function () {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{ "PORT": 8081,');
      const err = expectRefusedNaming({ CONFIG_FILE: file }, 'CONFIG_FILE');
      expect(err.message).to.include(file);
    });

    it('a CONFIG_FILE that does not exist', function () {
      expectRefusedNaming({ CONFIG_FILE: join(dir, 'absent.json') }, 'CONFIG_FILE');
    });

    it('a CONFIG_FILE holding JSON that is not an object', function () {
      const file = join(dir, 'array.json');
      writeFileSync(file, '[1, 2]');
      expectRefusedNaming({ CONFIG_FILE: file }, 'CONFIG_FILE');
    });

    it('every enum-like key lists its allowed values', function () {
      const enums = Object.entries(configSchema.properties).filter(([, spec]) => 'enum' in spec) as [string, { enum: readonly string[] }][];
      expect(enums.map(([key]) => key)).to.include.members(['LOG_LEVEL', 'LOG_FORMAT', 'PACKET_FORMAT']);
      for (const [key, spec] of enums) {
        const err = expectRefusedNaming({ [key]: 'no-such-value' }, key);
        expect(err.message).to.include(`one of: ${spec.enum.join(', ')}`);
      }
    });

    it('a SYNC_CRON whose day never comes (31 February, 30 February, 31 April and June)', function () {
      for (const expression of ['0 0 31 2 *', '0 0 30 2 *', '0 0 31 4,6 *']) {
        const err = expectRefusedNaming({ SYNC_CRON: expression }, 'SYNC_CRON');
        expect(err.message).to.include('never fires');
      }
    });

    it('a SYNC_CRON that is not cron, with the expected shape in the message', function () {
      const err = expectRefusedNaming({ SYNC_CRON: 'every fifteen minutes' }, 'SYNC_CRON');
      expect(err.message).to.include('5 or 6 fields');
    });

    it('a SYNC_CRON that fires rarely but does fire (29 February) is taken', function () {
      expect(loadConfig({ SYNC_CRON: '0 0 29 2 *' }).syncCron).to.equal('0 0 29 2 *');
    });

    it('TLS_CERT_FILE without TLS_KEY_FILE, and a client CA without a server certificate', function () {
      expectRefusedNaming({ TLS_CERT_FILE: '/tls/gw.pem' }, 'TLS_KEY_FILE');
      expectRefusedNaming({ TLS_CLIENT_CA_FILE: '/tls/ca.pem' }, 'TLS_CERT_FILE');
    });

    it('names the key in its details', function () {
      const err = refusal({ LOG_LEVEL: 'loud' });
      expect(err.details.map((d) => d.path)).to.deep.equal(['LOG_LEVEL']);
    });

    it('a key config/default.json should set but does not: refused, no default hidden in code', function () {
      const raw = loadRawConfig({});
      delete raw.PORT;
      let failure: unknown;
      try {
        configFrom(raw);
      } catch (err) {
        failure = err;
      }
      expect((failure as GatewayError | undefined)?.code).to.equal('config.invalid');
      expect((failure as GatewayError).details.map((d) => d.path)).to.deep.equal(['PORT']);
    });
  });

  describe('SENDER_CODE', function () {
    it("is checked with the contract's agency code pattern (packet header sender)", function () {
      const packet = nationalContract().schemas.packet as { properties: { header: { properties: { sender: { pattern: string } } } } };
      expect(configSchema.properties.SENDER_CODE.pattern).to.equal(packet.properties.header.properties.sender.pattern);
    });
  });
});
