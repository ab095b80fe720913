import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2019.js';
import cron from 'node-cron';
import { ConfigError } from './config-error.js';
import { paths } from '../paths.js';
import { CONFIG_KEYS, configSchema, type ConfigKey } from './config-schema.js';
import { defaultSource, type SourcesSetup } from '../sources/sources-file.js';
import { readSourcesFile } from '../sources/sources-reader.js';
import { validateConfig } from './config-validator.generated.js';

/**
 * Configuration is read once, layered (config/default.json < CONFIG_FILE < environment),
 * validated with ajv, typed and frozen. Nothing else in the gateway reads process.env.
 * A bad value stops the program with one line naming the key and what is expected.
 * config/default.json is the one statement of the defaults: it is found from the project root
 * (src/paths.ts), so tests, `npm start`, the built CLI from any directory and the Docker image
 * all read it; only defaults computed on this machine (MAPPING_THREADS) are set here.
 */
export interface Config {
  databaseUrl: string | undefined;
  sourceDatabaseUrl: string | undefined;
  ndxp: { url: string | undefined; clientId: string | undefined; clientSecret: string | undefined };
  senderCode: string;
  signing: {
    keyFile: string | undefined;
    certFile: string | undefined;
    passphrase: string | undefined;
    next: { keyFile: string | undefined; certFile: string | undefined; passphrase: string | undefined };
    trustAnchorsFile: string | undefined;
    /** The PKCS#11 library for a key on a token (a pkcs11: key "file"). */
    pkcs11Module: string | undefined;
  };
  mappingFile: string;
  /** The province's mapping overlay (src/mapping/mapping-overlay.ts); absolute. */
  mappingOverlayFile: string;
  mappingThreads: number;
  /**
   * The provincial databases read: from SOURCES_FILE (a merged province), or the one source
   * `default` from sourceDatabaseUrl, mappingFile and mappingOverlayFile.
   */
  sources: SourcesSetup;
  syncCron: string;
  port: number;
  /** Address the HTTP server listens on (loopback by default). */
  host: string;
  shutdownTimeoutMs: number;
  /** HTTPS: the server's certificate and key; with a client CA, /share requires a client certificate. */
  tls: { certFile: string; keyFile: string; clientCaFile: string | undefined } | undefined;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'json' | 'pretty' | undefined;
  dataDir: string;
  packet: { maxRecords: number; maxBytes: number; format: 'json' | 'xml' };
  demoPeople: number;
  /** Whose schema the embedded demo provincial database holds. */
  demoVendor: 'qlcb' | 'nhansu';
  /** 2: the rehearsal of a merged province, a second embedded demo database as a second source. */
  demoSources: 1 | 2;
  approver: { name: string | undefined; title: string | undefined };
  ndxpTimeoutMs: number;
  receiptWaitMs: number;
  simulatorPort: number;
  /** The smallest count a statistics cell shows (docs/decisions/sharing.md). */
  shareStatisticsMinCell: number;
}

export type RawConfig = Partial<Record<ConfigKey, unknown>>;

// ajv's code for configSchema, generated ahead of time (scripts/gen-validators.ts: draft 2019-09
// for `dependentRequired`, types coerced), so no schema is compiled at start-up.
const validate = validateConfig as ValidateFunction<RawConfig>;

/** `key` names the layer in the message: CONFIG_FILE, or the defaults file. */
function readJsonFile(file: string, key: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${key} ${file}: ${(err as Error).message}`, key);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('not a JSON object', key);
    return value as RawConfig;
  } catch (err) {
    throw new ConfigError(`config: ${key} ${file} is not a JSON object: ${(err as Error).message}`, key);
  }
}

function explain(error: ErrorObject): ConfigError {
  const fromPath = error.instancePath.replace(/^\//, '');
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return new ConfigError(`config: unknown key ${key} (known keys: ${CONFIG_KEYS.join(', ')})`, key);
  }
  if (error.keyword === 'dependentRequired') {
    const key = String(error.params.missingProperty);
    return new ConfigError(`config: ${key} is required when ${String(error.params.property)} is set`, key);
  }
  const key = fromPath || 'config';
  const spec = configSchema.properties[key as ConfigKey] as { description?: string } | undefined;
  const hint = spec?.description ? ` (${spec.description})` : '';
  if (error.keyword === 'enum') {
    // The allowed values are the useful part: a wrong LOG_LEVEL says which ones there are.
    const allowed = (error.params.allowedValues as unknown[]).map((v) => String(v)).join(', ');
    return new ConfigError(`config: ${key} must be one of: ${allowed}${hint}`, key);
  }
  return new ConfigError(`config: ${key} ${error.message ?? 'is invalid'}${hint}`, key);
}

/**
 * A cron expression node-cron cannot parse, or one whose day and month never meet
 * (`0 0 31 2 *`), would leave the gateway up with no scheduled sync ever: refused here.
 */
function checkCron(raw: RawConfig): void {
  const expression = String(raw.SYNC_CRON);
  const result = cron.validateDetailed(expression);
  if (result.valid) return;
  const reason = result.errors.map((e) => e.message).join('; ') || 'not a cron expression';
  throw new ConfigError(
    `config: SYNC_CRON '${expression}' never fires or cannot be read: ${reason} (cron, 5 or 6 fields: [second] minute hour day-of-month month day-of-week)`,
    'SYNC_CRON',
  );
}

/** The raw layered key/value map, before typing. Exposed for `csdl-gateway config`. */
export function loadRawConfig(env: NodeJS.ProcessEnv = process.env): RawConfig {
  const layered: RawConfig = readJsonFile(paths.defaultConfig, 'config/default.json');
  const extra = env.CONFIG_FILE;
  if (extra) Object.assign(layered, readJsonFile(resolve(extra), 'CONFIG_FILE'));
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') layered[key] = value;
  }
  return layered;
}

function checkPemPair(raw: RawConfig): void {
  const pairs = [['SIGNING_KEY_FILE', 'SIGNING_CERT_FILE'], ['SIGNING_NEXT_KEY_FILE', 'SIGNING_NEXT_CERT_FILE']] as const;
  for (const [keyName, certName] of pairs) {
    const key = raw[keyName];
    if (typeof key === 'string' && /\.(pem|key)$/i.test(key) && !raw[certName]) {
      throw new ConfigError(`config: ${certName} is required when ${keyName} is a PEM key`, certName);
    }
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A key config/default.json sets; no layer can unset it (an empty variable is ignored). */
function defaulted(raw: RawConfig, key: ConfigKey): string | number {
  const value = raw[key];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigError(`config: ${key} has no value: config/default.json must set it`, key);
  }
  return value;
}

/** Relative paths are taken from the working directory, as a command-line user expects. */
const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(p));

/**
 * MAPPING_FILE, or, when it is left at the shipped default and DEMO_VENDOR names another
 * vendor, that vendor's mapping folder: a demo of nhansu needs nothing but DEMO_VENDOR=nhansu.
 */
const SHIPPED_MAPPING = 'mappings/qlcb';

function demoMapping(raw: RawConfig): string {
  const mapping = String(defaulted(raw, 'MAPPING_FILE'));
  const vendor = str(raw.DEMO_VENDOR);
  return vendor !== undefined && mapping === SHIPPED_MAPPING ? `mappings/${vendor}` : mapping;
}

/** The sources file when SOURCES_FILE is set (refused whole, exit 2, when it is wrong); else the one default source. */
function sourcesFrom(raw: RawConfig): SourcesSetup {
  const dataDir = absolute(String(defaulted(raw, 'DATA_DIR')));
  const file = str(raw.SOURCES_FILE);
  if (raw.DEMO_SOURCES !== undefined && Number(raw.DEMO_SOURCES) === 2) return rehearsal(raw, dataDir);
  if (file === undefined) {
    return defaultSource(str(raw.SOURCE_DATABASE_URL), demoMapping(raw), absolute(str(raw.MAPPING_OVERLAY_FILE) ?? join(dataDir, 'mapping-overlay.json')));
  }
  return readSourcesFile(absolute(file), dataDir);
}

/**
 * DEMO_SOURCES=2: what a sources file naming two embedded demo databases would give. The first,
 * `default`, is the embedded demo database as without the rehearsal (DATA_DIR/provincial, its
 * mapping and overlay unchanged); the second, named after the other vendor, lives in
 * DATA_DIR/provincial-NAME with that vendor's mapping. Only on the embedded default: a
 * province's own databases are never written by the demo.
 */
function rehearsal(raw: RawConfig, dataDir: string): SourcesSetup {
  for (const key of ['SOURCES_FILE', 'SOURCE_DATABASE_URL'] as const) {
    if (str(raw[key]) !== undefined) {
      throw new ConfigError(`config: DEMO_SOURCES=2 rehearses a merged province on the embedded demo databases; unset ${key} (DEMO_SOURCES=2 chỉ dùng với cơ sở dữ liệu demo nhúng)`, 'DEMO_SOURCES');
    }
  }
  const second = str(raw.DEMO_VENDOR) === 'nhansu' ? 'qlcb' : 'nhansu';
  const first = defaultSource(undefined, demoMapping(raw), absolute(str(raw.MAPPING_OVERLAY_FILE) ?? join(dataDir, 'mapping-overlay.json'))).sources;
  return {
    sources: [...first, { name: second, databaseUrl: undefined, mapping: `mappings/${second}`, overlayFile: join(dataDir, `mapping-overlay-${second}.json`) }],
    fromFile: true,
    conflictPolicy: 'manual',
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return configFrom(loadRawConfig(env));
}

/** Validates a layered map (coercing its values in place, as ajv does) and types it. */
export function configFrom(raw: RawConfig): Config {
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    throw first ? explain(first) : new ConfigError('config: invalid');
  }
  checkPemPair(raw);
  checkCron(raw);
  const config: Config = {
    databaseUrl: str(raw.DATABASE_URL),
    sourceDatabaseUrl: str(raw.SOURCE_DATABASE_URL),
    ndxp: { url: str(raw.NDXP_URL), clientId: str(raw.NDXP_CLIENT_ID), clientSecret: str(raw.NDXP_CLIENT_SECRET) },
    senderCode: String(defaulted(raw, 'SENDER_CODE')),
    signing: {
      keyFile: str(raw.SIGNING_KEY_FILE),
      certFile: str(raw.SIGNING_CERT_FILE),
      passphrase: str(raw.SIGNING_KEY_PASSPHRASE),
      next: {
        keyFile: str(raw.SIGNING_NEXT_KEY_FILE),
        certFile: str(raw.SIGNING_NEXT_CERT_FILE),
        passphrase: str(raw.SIGNING_NEXT_KEY_PASSPHRASE),
      },
      trustAnchorsFile: str(raw.TRUST_ANCHORS_FILE),
      pkcs11Module: str(raw.PKCS11_MODULE),
    },
    mappingFile: demoMapping(raw),
    mappingOverlayFile: absolute(str(raw.MAPPING_OVERLAY_FILE) ?? join(String(defaulted(raw, 'DATA_DIR')), 'mapping-overlay.json')),
    sources: sourcesFrom(raw),
    mappingThreads: Number(raw.MAPPING_THREADS ?? Math.max(1, Math.min(4, availableParallelism() - 1))),
    syncCron: String(defaulted(raw, 'SYNC_CRON')),
    port: Number(defaulted(raw, 'PORT')),
    host: String(defaulted(raw, 'HOST')),
    shutdownTimeoutMs: Number(defaulted(raw, 'SHUTDOWN_TIMEOUT_MS')),
    tls: typeof raw.TLS_CERT_FILE === 'string' && typeof raw.TLS_KEY_FILE === 'string'
      ? { certFile: absolute(raw.TLS_CERT_FILE), keyFile: absolute(raw.TLS_KEY_FILE), clientCaFile: str(raw.TLS_CLIENT_CA_FILE) && absolute(String(raw.TLS_CLIENT_CA_FILE)) }
      : undefined,
    logLevel: defaulted(raw, 'LOG_LEVEL') as Config['logLevel'],
    logFormat: str(raw.LOG_FORMAT) as Config['logFormat'],
    dataDir: absolute(String(defaulted(raw, 'DATA_DIR'))),
    packet: {
      maxRecords: Number(defaulted(raw, 'PACKET_MAX_RECORDS')),
      maxBytes: Number(defaulted(raw, 'PACKET_MAX_BYTES')),
      format: defaulted(raw, 'PACKET_FORMAT') as Config['packet']['format'],
    },
    demoPeople: Number(defaulted(raw, 'DEMO_PEOPLE')),
    demoVendor: (str(raw.DEMO_VENDOR) ?? 'qlcb') as Config['demoVendor'],
    demoSources: raw.DEMO_SOURCES === undefined ? 1 : (Number(raw.DEMO_SOURCES) as Config['demoSources']),
    approver: { name: str(raw.APPROVER_NAME), title: str(raw.APPROVER_TITLE) },
    ndxpTimeoutMs: Number(defaulted(raw, 'NDXP_TIMEOUT_MS')),
    receiptWaitMs: Number(defaulted(raw, 'RECEIPT_WAIT_MS')),
    simulatorPort: Number(defaulted(raw, 'SIMULATOR_PORT')),
    shareStatisticsMinCell: Number(defaulted(raw, 'SHARE_STATISTICS_MIN_CELL')),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
