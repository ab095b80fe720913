import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';

/**
 * Every configuration key, its type and meaning; the defaults are config/default.json. Keys are
 * the environment variable names; `config/default.json` and an optional CONFIG_FILE use the same
 * names. The README's configuration table is checked against this list by a test
 * (test/config/readme-config-table.test.ts).
 */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    DATABASE_URL: { type: 'string', minLength: 1, description: "The gateway's own store (PostgreSQL URL). Unset: the embedded PGlite under DATA_DIR." },
    SOURCE_DATABASE_URL: { type: 'string', minLength: 1, description: "The provincial HR database, of whichever vendor MAPPING_FILE describes; read-only except the staging table the mapping declares for pulled transferees. Unset: the embedded demo provincial database (the qlcb demo vendor) under DATA_DIR." },
    NDXP_URL: { type: 'string', pattern: '^https?://', description: 'Base URL of the national platform (NDXP). Unset: the built-in national simulator on loopback.' },
    NDXP_CLIENT_ID: { type: 'string', minLength: 1, description: 'OAuth2 client id issued to the province on NDXP.' },
    NDXP_CLIENT_SECRET: { type: 'string', minLength: 1, description: 'OAuth2 client secret issued to the province on NDXP.' },
    SENDER_CODE: { type: 'string', pattern: AGENCY_CODE_PATTERN.source, description: "The province's electronic agency code (QĐ 20/2020/QĐ-TTg); must equal the signing certificate's OU." },
    SIGNING_KEY_FILE: { type: 'string', minLength: 1, description: 'The Ministry-issued signing key: PKCS#12 (.p12/.pfx), a PEM key with SIGNING_CERT_FILE, or a key on a token as an RFC 7512 URI (pkcs11:token=LABEL;object=KEY) with PKCS11_MODULE. Unset: the development PKI under certs/dev.' },
    SIGNING_CERT_FILE: { type: 'string', minLength: 1, description: 'PEM certificate for a PEM SIGNING_KEY_FILE (for a token key: instead of the certificate on the token).' },
    SIGNING_KEY_PASSPHRASE: { type: 'string', description: 'Passphrase of SIGNING_KEY_FILE; for a token key, the user PIN (unless pin-source in the URI).' },
    PKCS11_MODULE: { type: 'string', minLength: 1, description: "The token's PKCS#11 library (.so) for a pkcs11: SIGNING_KEY_FILE or SIGNING_NEXT_KEY_FILE, e.g. /usr/lib/softhsm/libsofthsm2.so." },
    SIGNING_NEXT_KEY_FILE: { type: 'string', minLength: 1, description: 'A second key for rotation (PKCS#12, PEM with SIGNING_NEXT_CERT_FILE, or a pkcs11: URI): the newest valid of the two signs.' },
    SIGNING_NEXT_CERT_FILE: { type: 'string', minLength: 1, description: 'PEM certificate for a PEM SIGNING_NEXT_KEY_FILE.' },
    SIGNING_NEXT_KEY_PASSPHRASE: { type: 'string', description: 'Passphrase of SIGNING_NEXT_KEY_FILE.' },
    TRUST_ANCHORS_FILE: { type: 'string', minLength: 1, description: 'PEM bundle of the CAs trusted for incoming envelopes (the Ministry\'s).' },
    MAPPING_FILE: { type: 'string', minLength: 1, description: "The mapping of the province's vendor database (a folder or file under mappings/, one per vendor: mappings/qlcb, or a folder written for another vendor): how persons, units and the staging table are read and written, and how they map to the national record." },
    MAPPING_OVERLAY_FILE: { type: 'string', minLength: 1, description: "The province's own synonyms, loaded over the mapping and kept across gateway upgrades (`csdl-gateway mapping synonym`). Unset: DATA_DIR/mapping-overlay.json." },
    SOURCES_FILE: { type: 'string', minLength: 1, description: "A merged province's sources: a JSON file listing its provincial databases, `[{name, databaseUrl, mapping, overlayFile?}]` (or `{conflictPolicy, sources}`), read side by side by one sync (docs/merged-province.md). Unset: one source named default, from SOURCE_DATABASE_URL and MAPPING_FILE." },
    MAPPING_THREADS: { type: 'integer', minimum: 0, maximum: 16, description: 'Worker threads that map and pre-validate persons (0: on the main thread). Unset: one per core but one (the main thread reads, stores and sends), 1 to 4.' },
    SYNC_CRON: { type: 'string', minLength: 9, description: 'When the scheduled sync runs (cron, 5 or 6 fields).' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, description: 'HTTP port of the gateway (health, operators, sharing).' },
    HOST: { type: 'string', minLength: 1, description: 'Address the HTTP server listens on: loopback unless set (0.0.0.0 or :: for every interface, as in a container).' },
    SHUTDOWN_TIMEOUT_MS: { type: 'integer', minimum: 0, maximum: 600000, description: 'On SIGTERM or SIGINT, how long in-flight requests and a running sync commit may take before the gateway exits anyway.' },
    TLS_CERT_FILE: { type: 'string', minLength: 1, description: "PEM certificate (with its chain) of the gateway's HTTPS server. Unset: plain HTTP." },
    TLS_KEY_FILE: { type: 'string', minLength: 1, description: 'PEM private key of TLS_CERT_FILE (unencrypted, readable by the gateway only).' },
    TLS_CLIENT_CA_FILE: { type: 'string', minLength: 1, description: "PEM bundle of the CAs whose client certificates the gateway accepts: with it, /share requires a client certificate whose OU is the client's agency code." },
    LOG_LEVEL: { enum: ['error', 'warn', 'info', 'debug'], description: 'Lowest level logged.' },
    LOG_FORMAT: { enum: ['json', 'pretty'], description: 'Log line format. Unset: pretty on a terminal, JSON lines otherwise.' },
    DATA_DIR: { type: 'string', minLength: 1, description: 'Where the embedded databases and local state live.' },
    PACKET_MAX_RECORDS: { type: 'integer', minimum: 1, maximum: 500, description: 'Most records per packet (contract limit 500).' },
    PACKET_MAX_BYTES: { type: 'integer', minimum: 1024, maximum: 8388608, description: 'Most payload bytes per packet (contract limit 8 MiB).' },
    PACKET_FORMAT: { enum: ['json', 'xml'], description: 'Payload encoding of outgoing packets.' },
    APPROVER_NAME: { type: 'string', minLength: 1, maxLength: 100, description: "Who approves the batches the signature attests (packet header approval.approvedBy.hoTen). Unset: the signing certificate's CN." },
    APPROVER_TITLE: { type: 'string', minLength: 1, maxLength: 200, description: "The approver's position (approval.approvedBy.chucVu). Unset: the signing certificate's O." },
    NDXP_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600000, description: 'Response timeout of one HTTP attempt to NDXP.' },
    RECEIPT_WAIT_MS: { type: 'integer', minimum: 0, maximum: 3600000, description: 'How long one sync polls a packet\'s receipt before leaving it to the next sync.' },
    SIMULATOR_PORT: { type: 'integer', minimum: 0, maximum: 65535, description: 'Port of the built-in national simulator when NDXP_URL is unset (0: any free port).' },
    DEMO_PEOPLE: { type: 'integer', minimum: 0, maximum: 1000000, description: 'People generated into the embedded demo provincial database on its first start.' },
    DEMO_VENDOR: { enum: ['qlcb', 'nhansu'], description: "Whose schema the embedded demo provincial database holds: qlcb, or nhansu (mappings/nhansu/schema.sql). With MAPPING_FILE left at its default, the vendor's own mapping folder (mappings/nhansu) is used." },
    DEMO_SOURCES: { type: 'integer', minimum: 1, maximum: 2, description: "The rehearsal of a merged province on the embedded default: 2 adds a second embedded demo database (DATA_DIR/provincial-NAME, of the other vendor than DEMO_VENDOR, named after it) holding some of the first one's people and people of its own, read by one sync as two sources (docs/merged-province.md). 1 (default): one demo database. Refused with SOURCES_FILE or SOURCE_DATABASE_URL." },
    SHARE_STATISTICS_MIN_CELL: { type: 'integer', minimum: 1, maximum: 1000, description: 'The smallest count /share/v1/statistics shows; a smaller cell is suppressed (with one more cell when one alone would be deducible from the total).' },
  },
  dependentRequired: {
    NDXP_URL: ['NDXP_CLIENT_ID', 'NDXP_CLIENT_SECRET', 'SIGNING_KEY_FILE', 'TRUST_ANCHORS_FILE'],
    SIGNING_CERT_FILE: ['SIGNING_KEY_FILE'],
    SIGNING_NEXT_KEY_FILE: ['SIGNING_KEY_FILE'],
    SIGNING_NEXT_CERT_FILE: ['SIGNING_NEXT_KEY_FILE'],
    TLS_CERT_FILE: ['TLS_KEY_FILE'],
    TLS_KEY_FILE: ['TLS_CERT_FILE'],
    TLS_CLIENT_CA_FILE: ['TLS_CERT_FILE'],
  },
} as const;

export type ConfigKey = keyof typeof configSchema.properties;
export const CONFIG_KEYS = Object.keys(configSchema.properties) as ConfigKey[];
