import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanErrorCodes, sourceFiles, type ErrorCodeFinding } from './support/error-code-scan.js';

/**
 * Every GatewayError the gateway raises takes its code from its capability's error table (a
 * `*-error.ts` file with the union of its codes), so the codes a client or an operator may meet
 * can be read in one place per capability, and a new one is added there or not at all.
 */
describe('foundation: error codes come from error tables', function () {
  this.timeout(120_000);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const src = join(root, 'src');
  const fixture = (name: string) => join(src, 'fixture-error-scan', name);
  const errors = join(src, 'errors.ts');
  const shareError = join(src, 'share', 'share-error.ts');

  function scanFixture(text: string, name = 'thrower.ts'): ErrorCodeFinding[] {
    return scanErrorCodes(root, [errors, shareError], new Map([[fixture(name), text]]));
  }

  it('finds no code outside a table in src/', function () {
    const findings = scanErrorCodes(root, sourceFiles(src));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.reason}`)).to.deep.equal([]);
  });

  it('sees the obvious spellings of an ad-hoc code', function () {
    const spellings: Record<string, string> = {
      'a literal': "import { GatewayError } from '../errors.js';\nexport const e = new GatewayError('x.ad_hoc', 'm');\n",
      'a template': "import { GatewayError } from '../errors.js';\nexport const e = new GatewayError(`x.ad_hoc`, 'm', { status: 400 });\n",
      'an alias': "import { GatewayError as Failure } from '../errors.js';\nexport const e = new Failure('x.ad_hoc', 'm');\n",
      'a namespace': "import * as errors from '../errors.js';\nexport const e = new errors.GatewayError('x.ad_hoc', 'm');\n",
      'a variable': "import { GatewayError } from '../errors.js';\nconst code = 'x.ad_hoc';\nconst Ctor = GatewayError;\nexport const e = new Ctor(code, 'm');\n",
      'a local subclass': "import { GatewayError } from '../errors.js';\nclass LocalError extends GatewayError {}\nexport const e = new LocalError('x.ad_hoc', 'm');\n",
      'a subclass of a table class': "import { ShareError } from '../share/share-error.js';\nclass Mine extends ShareError {}\nexport const e = new Mine('share.internal', 'm');\n",
      'the generic base': "import { CodedError } from '../errors.js';\nexport const e = new CodedError('x.ad_hoc', 'm');\n",
      'a cast into a table': "import { ShareError, type ShareErrorCode } from '../share/share-error.js';\nexport const e = new ShareError('share.ad_hoc' as ShareErrorCode, 'm');\n",
    };
    for (const [spelling, text] of Object.entries(spellings)) {
      expect(scanFixture(text), spelling).to.not.deep.equal([]);
    }
  });

  it('refuses a table whose class takes any string as its code', function () {
    const table = "import { GatewayError } from '../errors.js';\nexport class LooseError extends GatewayError {\n  constructor(code: string, message: string) {\n    super(code, message);\n  }\n}\n";
    const findings = scanFixture(table, 'loose-error.ts');
    expect(findings.map((f) => f.reason).join('\n')).to.match(/not a union of the table's codes/);
    const generic = "import { CodedError } from '../errors.js';\nexport class LooseError extends CodedError<string> {}\n";
    expect(scanFixture(generic, 'loose-error.ts').map((f) => f.reason).join('\n')).to.match(/not a union of the table's codes/);
  });

  it('accepts a code from a table', function () {
    const ok = "import { ShareError } from '../share/share-error.js';\nexport const e = new ShareError('share.internal', 'm', { status: 500 });\n";
    expect(scanFixture(ok)).to.deep.equal([]);
    const table = "import { GatewayError } from '../errors.js';\nexport type TightErrorCode = 'tight.a' | 'tight.b';\nexport class TightError extends GatewayError {\n  constructor(code: TightErrorCode, message: string) {\n    super(code, message);\n  }\n}\nexport const e = new TightError('tight.a', 'm');\n";
    expect(scanFixture(table, 'tight-error.ts')).to.deep.equal([]);
    const generic = "import { CodedError } from '../errors.js';\nexport class TightError extends CodedError<'tight.a' | 'tight.b'> {}\nexport const e = new TightError('tight.b', 'm');\n";
    expect(scanFixture(generic, 'tight-error.ts')).to.deep.equal([]);
  });
});
