import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import Ajv2020Module from 'ajv/dist/2020.js';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { configSchema } from '../../src/config/config-schema.js';
import { validateConfig } from '../../src/config/config-validator.generated.js';
import { mappingFileSchema, overlayFileSchema } from '../../src/mapping/mapping-file-schema.js';
import { validateMappingFile, validateOverlayFile } from '../../src/mapping/mapping-file-validators.generated.js';
import { projectRoot } from '../../src/paths.js';
import { ANSWER_AJV_OPTIONS, ANSWER_SCHEMAS, CONFIG_AJV_OPTIONS, MAPPING_AJV_OPTIONS, contractSchema, generatedValidators } from '../../scripts/gen-validators.js';
import { validateEnvelope, validateReceipt } from '../../src/ndxp/answer-validators.generated.js';

/**
 * The configuration's and mapping files' validators are ajv code generated ahead of time and
 * committed (scripts/gen-validators.ts). A schema edited without regenerating would be checked
 * by the old code: this fails until `npm run gen:validators` is run and its output committed.
 */
describe('generated schema validators', () => {
  for (const { file, text } of generatedValidators()) {
    it(`${file} is what scripts/gen-validators.ts generates from the current schema`, () => {
      expect(readFileSync(join(projectRoot, file), 'utf8') === text, `${file} is stale: run npm run gen:validators`).to.equal(true);
    });
  }

  it('report the same errors as the schemas compiled by ajv at run time', () => {
    const Ajv2020 = Ajv2020Module.default;
    const live = {
      config: new Ajv2019(CONFIG_AJV_OPTIONS).compile(configSchema),
      mapping: new Ajv2020(MAPPING_AJV_OPTIONS).compile(mappingFileSchema),
      overlay: new Ajv2020(MAPPING_AJV_OPTIONS).compile(overlayFileSchema),
      receipt: new Ajv2020(ANSWER_AJV_OPTIONS).compile(contractSchema(ANSWER_SCHEMAS.validateReceipt)),
      envelope: new Ajv2020(ANSWER_AJV_OPTIONS).compile(contractSchema(ANSWER_SCHEMAS.validateEnvelope)),
    };
    const cases: [keyof typeof live, ((d: unknown) => boolean) & { errors?: unknown }, unknown][] = [
      ['config', validateConfig, { PORT: 'x' }],
      ['config', validateConfig, { NDXP_URL: 'https://n' }],
      ['config', validateConfig, { NOPE: 1 }],
      ['config', validateConfig, { SENDER_CODE: '000.00.00.H62', PORT: '8080' }],
      ['mapping', validateMappingFile, { mapping: '', source: {}, fields: { a: { bogus: 1 } }, codes: 1 }],
      ['overlay', validateOverlayFile, { codes: { x: { synonyms: { a: '' } }, y: 2 }, z: 1 }],
      ['receipt', validateReceipt, { packetId: 'p', status: 'lost', results: [{ soDinhDanh: 1, status: 'accepted', errors: [{}] }] }],
      ['envelope', validateEnvelope, { format: 'pdf', payload: 'AA', extra: true }],
    ];
    for (const [kind, generated, data] of cases) {
      const a = structuredClone(data);
      const b = structuredClone(data);
      expect(generated(a)).to.equal(live[kind](b));
      expect(generated.errors, `${kind} ${JSON.stringify(data)}`).to.deep.equal(live[kind].errors);
      expect(a).to.deep.equal(b); // coerced alike
    }
  });
});
