import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { mappingCommand } from '../../src/cli/commands/mapping-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { MappingError } from '../../src/mapping/mapping-error.js';
import { loadEffectiveMapping, loadMapping, readOverlay } from '../../src/mapping/mapping-loader.js';
import { overlaySynonyms, withoutSynonym, withSynonym, type OverlayJson } from '../../src/mapping/mapping-overlay.js';

/** The province's overlay: loaded over the shipped mapping, checked the same way, edited by `mapping synonym`. */
const SHIPPED = 'mappings/qlcb';

describe('mapping: the overlay', function () {
  let dir: string;
  let file: string;
  const files = () => ({ mappingFile: SHIPPED, mappingOverlayFile: file });
  const load = (overlay: unknown) => {
    writeFileSync(file, JSON.stringify(overlay));
    return loadEffectiveMapping(files());
  };
  const loadError = (overlay: unknown): MappingError => {
    try {
      load(overlay);
    } catch (err) {
      if (err instanceof MappingError) return err;
      throw err;
    }
    throw new Error('the overlay loaded');
  };

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'mapping-overlay-'));
    file = join(dir, 'mapping-overlay.json');
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is optional: without the file the mapping is the shipped one, fingerprint included', function () {
    const shipped = loadMapping(SHIPPED);
    const effective = loadEffectiveMapping(files());
    expect(effective.fingerprint).to.equal(shipped.fingerprint);
    expect(effective.fingerprint).to.match(/^[0-9a-f]{64}$/);
    // An overlay that adds nothing changes no outcome, so not the fingerprint either.
    expect(load({ $comment: 'Tỉnh Vĩnh Phúc', codes: {} }).fingerprint).to.equal(shipped.fingerprint);
  });

  it('adds its synonyms over the shipped ones, forward only, and changes the fingerprint', function () {
    const shipped = loadMapping(SHIPPED);
    expect(shipped.matcher('ly-luan-chinh-tri')?.forward('TC chính trị 2019')).to.equal(undefined);
    const effective = load({ codes: { 'ly-luan-chinh-tri': { synonyms: { 'TC chính trị 2019': 'TC' } }, 'quan-ly-nha-nuoc': { synonyms: { CVC: 'CV' } } } });
    expect(effective.matcher('ly-luan-chinh-tri')?.forward('tc  chính trị 2019')?.ma).to.equal('TC');
    // The province decides its own spellings: an overlay synonym wins over a shipped one...
    expect(effective.matcher('quan-ly-nha-nuoc')?.forward('CVC')?.ma).to.equal('CV');
    // ...but what the reverse mapping writes stays the shipped mapping's.
    expect(effective.matcher('quan-ly-nha-nuoc')?.reverse('CV')).to.equal('Chuyên viên');
    expect(effective.fingerprint).to.not.equal(shipped.fingerprint);
  });

  it('is checked like the mapping: unknown lists, codes and keys are errors naming the overlay', function () {
    const list = loadError({ codes: { 'ly-luan': { synonyms: { x: 'TC' } } } });
    expect(list.code).to.equal('mapping.code_list_unknown');
    expect(list.details.map((d) => d.path)).to.deep.equal(['mapping-overlay.json#/codes/ly-luan']);
    const target = loadError({ codes: { 'xep-loai': { synonyms: { 'Xuất sắc lắm': 'XS' } } } });
    expect(target.code).to.equal('mapping.code_target_unknown');
    expect(target.details.map((d) => d.path)).to.deep.equal(['mapping-overlay.json#/codes/xep-loai/synonyms/Xuất sắc lắm']);
    const key = loadError({ codes: { 'xep-loai': { superseded: { a: 'HTNV' } } }, fields: {} });
    expect(key.code).to.equal('mapping.file_invalid');
    expect(key.details.map((d) => d.path).sort()).to.deep.equal(['mapping-overlay.json#/codes/xep-loai/superseded', 'mapping-overlay.json#/fields']);
    writeFileSync(file, '{ not json');
    expect(() => loadEffectiveMapping(files())).to.throw(MappingError).with.property('code', 'mapping.file_invalid');
  });

  it('refuses a synonym to a code not in the list, or for a value that already gives another code', function () {
    const mapping = loadMapping(SHIPPED);
    const refusal = (list: string, value: string, code: string): string | undefined => {
      try {
        withSynonym({}, mapping.matcher(list), list, value, code);
        return undefined;
      } catch (err) {
        return (err as MappingError).code;
      }
    };
    expect(refusal('xep-loai', 'Xuất sắc lắm', 'XS')).to.equal('mapping.code_not_in_list');
    expect(refusal('dan-toc', 'Kinh', '02')).to.equal('mapping.synonym_conflict');
    expect(refusal('ly-luan-chinh-tri', 'Trung cấp LLCT', 'CC')).to.equal('mapping.synonym_conflict');
    expect(refusal('xep-loai', '   ', 'HTNV')).to.equal('mapping.synonym_empty');
    expect(withSynonym({}, mapping.matcher('dan-toc'), 'dan-toc', 'kinh', '01')).to.deep.equal({ added: false, code: '01' });
    const added = withSynonym({ $comment: 'kept' }, mapping.matcher('xep-loai'), 'xep-loai', ' Xuất  sắc lắm ', 'HTXSNV');
    expect(added).to.deep.equal({ added: true, overlay: { $comment: 'kept', codes: { 'xep-loai': { synonyms: { 'Xuất sắc lắm': 'HTXSNV' } } } } });
  });

  it('removes only what it holds', function () {
    const overlay: OverlayJson = { codes: { 'xep-loai': { synonyms: { 'Xuất sắc lắm': 'HTXSNV', 'Tốt lắm': 'HTTNV' } } } };
    const { overlay: left, removed } = withoutSynonym(overlay, 'xep-loai', 'xuất sắc  lắm');
    expect(removed).to.deep.equal({ list: 'xep-loai', value: 'Xuất sắc lắm', code: 'HTXSNV' });
    expect(overlaySynonyms(left)).to.deep.equal([{ list: 'xep-loai', value: 'Tốt lắm', code: 'HTTNV' }]);
    expect(overlaySynonyms(withoutSynonym(left, 'xep-loai', 'Tốt lắm').overlay)).to.deep.equal([]);
    expect(() => withoutSynonym(left, 'xep-loai', 'Xuất sắc')).to.throw(MappingError).with.property('code', 'mapping.synonym_not_found');
  });

  describe('csdl-gateway mapping synonym', function () {
    const saved = process.env.MAPPING_OVERLAY_FILE;
    beforeEach(function () {
      process.env.MAPPING_OVERLAY_FILE = file;
    });
    afterEach(function () {
      if (saved === undefined) delete process.env.MAPPING_OVERLAY_FILE;
      else process.env.MAPPING_OVERLAY_FILE = saved;
    });

    async function run(...argv: string[]): Promise<{ exit: number | string; out: string[] }> {
      const out: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), isTty: false };
      try {
        return { exit: await mappingCommand.run(argv, io), out };
      } catch (err) {
        return { exit: (err as { code: string }).code, out };
      }
    }

    it('adds, lists and removes in the overlay file; refusals leave the file as it was', async function () {
      expect((await run('synonym', 'add', 'ly-luan-chinh-tri', 'TC chính trị 2019', 'TC')).exit).to.equal(0);
      expect(readOverlay(file)).to.deep.equal({ codes: { 'ly-luan-chinh-tri': { synonyms: { 'TC chính trị 2019': 'TC' } } } });
      const before = readFileSync(file, 'utf8');
      expect((await run('synonym', 'add', 'ly-luan-chinh-tri', 'tc chính trị 2019', 'CC')).exit).to.equal('mapping.synonym_conflict');
      expect((await run('synonym', 'add', 'ly-luan-chinh-tri', 'Khác', 'ZZ')).exit).to.equal('mapping.code_not_in_list');
      expect((await run('synonym', 'add', 'no-such-list', 'x', 'TC')).exit).to.equal('mapping.code_list_unknown');
      expect(readFileSync(file, 'utf8')).to.equal(before);
      const listed = await run('synonym', 'list', '--json');
      expect(JSON.parse(listed.out.join('\n'))).to.deep.equal([{ list: 'ly-luan-chinh-tri', value: 'TC chính trị 2019', code: 'TC' }]);
      expect((await run('synonym', 'remove', 'ly-luan-chinh-tri', 'TC chính trị 2019')).exit).to.equal(0);
      expect(overlaySynonyms(readOverlay(file))).to.deep.equal([]);
      expect((await run('synonym', 'remove', 'ly-luan-chinh-tri', 'TC chính trị 2019')).exit).to.equal('mapping.synonym_not_found');
    });

    it('refuses bad usage', async function () {
      for (const argv of [[], ['synonym'], ['synonym', 'add', 'xep-loai', 'x'], ['synonym', 'remove', 'xep-loai'], ['synonym', 'list', 'x'], ['gap']]) {
        expect((await run(...argv)).exit, argv.join(' ')).to.equal('cli.usage');
      }
    });
  });
});
