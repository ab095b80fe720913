import type { Db } from '../db/db.js';
import { generatePeople, type GeneratePeopleOptions, type GenerationSummary } from './generate-people.js';
import { generateNhansu } from './nhansu/generate-nhansu.js';
import { installNhansuSchema } from './nhansu/nhansu-schema.js';
import { installProvincialSchema } from './provincial-schema.js';

/**
 * The vendors whose schema the demo can install and fill with generated people (the same people
 * for the same seed): qlcb (contract/provincial/schema.sql, with its sample) and nhansu
 * (mappings/nhansu/schema.sql). Each is served by the mapping folder of its name.
 */
export const DEMO_VENDOR_NAMES = ['qlcb', 'nhansu'] as const;
export type DemoVendorName = (typeof DEMO_VENDOR_NAMES)[number];

export interface DemoVendor {
  /** Installs the schema where absent; the sample exists for qlcb only. */
  install(db: Db, sample: boolean): Promise<{ schemaCreated: boolean; sampleLoaded: boolean }>;
  generate(db: Db, options: GeneratePeopleOptions): Promise<GenerationSummary>;
  /** The mapping folder serving this vendor, under mappings/. */
  mapping: string;
}

export const DEMO_VENDORS: Readonly<Record<DemoVendorName, DemoVendor>> = {
  qlcb: { install: (db, sample) => installProvincialSchema(db, { sample }), generate: generatePeople, mapping: 'mappings/qlcb' },
  nhansu: {
    install: async (db) => ({ ...(await installNhansuSchema(db)), sampleLoaded: false }),
    generate: generateNhansu,
    mapping: 'mappings/nhansu',
  },
};

export function isDemoVendor(name: string): name is DemoVendorName {
  return (DEMO_VENDOR_NAMES as readonly string[]).includes(name);
}
