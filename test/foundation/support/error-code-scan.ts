import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Finds every place in `src/` that raises a GatewayError whose code is not drawn from its
 * capability's error table. A table is a file named `<capability>-error.ts` or `-errors.ts`
 * that declares an error class and the union of its codes (`ShareErrorCode`). The scan reads
 * types, not spellings, so an alias of GatewayError, a namespace import, a subclass declared
 * beside its use or a code held in a variable are all seen for what they are:
 * - a constructed class that derives from GatewayError must be declared in a table file
 *   (GatewayError itself, declared in errors.ts, never is);
 * - a table's class constructs with a `code` typed as a union of literal codes, never `string`
 *   (as `CodedError<ShareErrorCode>` does), or passes `super` one string literal (a table of one
 *   code); errors.ts declares the two bases, GatewayError and CodedError, and no table;
 * - no code is cast into a table (`'x.y' as ShareErrorCode`): a cast would skip the union's check.
 */
export interface ErrorCodeFinding {
  file: string;
  line: number;
  reason: string;
}

const TABLE_FILE = /^.+-errors?\.ts$/;
/** A code as components spell it: `share.rate_limited`, `ndxp.http_503`. */
const CODE_LIKE = /^[a-z][a-z0-9]*\.[a-z0-9_.]+$/;

export function isErrorTableFile(file: string): boolean {
  return TABLE_FILE.test(basename(file));
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  resolveJsonModule: true,
  types: ['node'],
};

/**
 * Scans `files` (absolute paths), with `overlay` standing in for files of the same path or
 * adding files that are not on disk (a test's fixtures). Findings name files relative to `root`.
 */
export function scanErrorCodes(root: string, files: string[], overlay: ReadonlyMap<string, string> = new Map()): ErrorCodeFinding[] {
  // Fixtures need no Node types; leaving them out keeps a fixture's program small.
  const options = overlay.size > 0 ? { ...OPTIONS, types: [] } : OPTIONS;
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => overlay.get(resolve(file)) ?? readFile(file);
  host.fileExists = (file) => overlay.has(resolve(file)) || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError, create) => {
    const text = overlay.get(resolve(file));
    return text === undefined ? getSourceFile(file, language, onError, create) : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...files, ...overlay.keys()], options, host });
  const checker = program.getTypeChecker();
  const errorsFile = program.getSourceFile(join(root, 'src', 'errors.ts'));
  const gatewaySymbol = errorsFile && checker.getSymbolAtLocation(errorsFile)?.exports?.get(ts.escapeLeadingUnderscores('GatewayError'));
  if (!gatewaySymbol) throw new Error('src/errors.ts exports no GatewayError: the scan has nothing to look for');

  const findings: ErrorCodeFinding[] = [];
  const report = (node: ts.Node, reason: string) => {
    const sf = node.getSourceFile();
    findings.push({ file: relative(root, sf.fileName), line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, reason });
  };

  const derivesFromGatewayError = (type: ts.Type): boolean => {
    const seen = new Set<ts.Type>();
    const walk = (t: ts.Type): boolean => {
      if (seen.has(t)) return false;
      seen.add(t);
      if (t.getSymbol() === gatewaySymbol) return true;
      if (!(t.flags & ts.TypeFlags.Object)) return false;
      const flags = (t as ts.ObjectType).objectFlags;
      // A generic base as instantiated (`CodedError<ShareErrorCode>`) is a reference to its class.
      if (flags & ts.ObjectFlags.Reference && (t as ts.TypeReference).target !== t) return walk((t as ts.TypeReference).target);
      if (!(flags & ts.ObjectFlags.ClassOrInterface)) return false;
      return (checker.getBaseTypes(t as ts.InterfaceType) ?? []).some(walk);
    };
    return walk(type);
  };

  /** A union of string literals, or of template literals over numbers (`ndxp.http_${number}`). */
  const isCodeUnion = (type: ts.Type): boolean => {
    const members = type.isUnion() ? type.types : [type];
    return members.every((m) => {
      if (m.isStringLiteral()) return true;
      if (m.flags & ts.TypeFlags.TemplateLiteral) {
        return (m as ts.TemplateLiteralType).types.every((t) => (t.flags & ts.TypeFlags.Number) !== 0);
      }
      return false;
    });
  };

  const checkSuperCall = (call: ts.CallExpression, ctor: ts.ConstructorDeclaration) => {
    const code = call.arguments[0];
    if (!code) return report(call, 'super() without a code');
    if (ts.isStringLiteral(code)) return;
    const symbol = ts.isIdentifier(code) ? checker.getSymbolAtLocation(code) : undefined;
    const param = ctor.parameters.find((p) => checker.getSymbolAtLocation(p.name) === symbol);
    if (!param) return report(code, 'the code passed to super() is neither a literal nor a constructor parameter');
    if (!isCodeUnion(checker.getTypeAtLocation(param))) {
      report(param, `the code parameter is '${checker.typeToString(checker.getTypeAtLocation(param))}', not a union of the table's codes`);
    }
  };

  /** The constructor's `code` parameter as the class constructs, type arguments applied. */
  const checkCodeParameter = (cls: ts.ClassLikeDeclaration) => {
    const symbol = cls.name ? checker.getSymbolAtLocation(cls.name) : undefined;
    if (!symbol) return;
    const ctorType = checker.getTypeOfSymbolAtLocation(symbol, cls);
    for (const signature of ctorType.getConstructSignatures()) {
      const code = signature.getParameters().find((p) => p.getName() === 'code');
      if (!code) continue;
      const type = checker.getTypeOfSymbolAtLocation(code, cls);
      if (!isCodeUnion(type)) report(cls, `constructs with a code of type '${checker.typeToString(type)}', not a union of the table's codes`);
    }
  };
  const isBaseFile = (file: string) => resolve(file) === resolve(root, 'src', 'errors.ts');

  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && derivesFromGatewayError(checker.getTypeAtLocation(node))) {
      const declaration = checker.getTypeAtLocation(node).getSymbol()?.declarations?.[0];
      const where = declaration?.getSourceFile().fileName ?? '';
      if (!isErrorTableFile(where)) {
        report(node, `constructs ${node.expression.getText()}, declared in ${relative(root, where)}, outside any error table: use the capability's error class`);
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const ctor = ts.findAncestor(node, ts.isConstructorDeclaration);
      const cls = ctor && ts.isClassLike(ctor.parent) ? ctor.parent : undefined;
      if (ctor && cls && derivesFromGatewayError(checker.getTypeAtLocation(cls))) {
        // A class outside a table is reported once, at its declaration below.
        if (isErrorTableFile(node.getSourceFile().fileName)) checkSuperCall(node, ctor);
      }
    }
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && ts.isStringLiteralLike(ts.skipPartiallyEmittedExpressions(node.expression))) {
      const text = (node.expression as ts.StringLiteralLike).text;
      if (CODE_LIKE.test(text)) report(node, `'${text}' is cast to a type instead of being taken from a table`);
    }
    if (ts.isClassLike(node) && node.heritageClauses && derivesFromGatewayError(checker.getTypeAtLocation(node))
      && !isBaseFile(node.getSourceFile().fileName)) {
      if (!isErrorTableFile(node.getSourceFile().fileName)) report(node, 'an error class declared outside an error table');
      else checkCodeParameter(node);
    }
    ts.forEachChild(node, visit);
  };

  const scanned = new Set([...files, ...overlay.keys()].map((f) => resolve(f)));
  for (const sf of program.getSourceFiles()) {
    if (scanned.has(resolve(sf.fileName))) visit(sf);
  }
  return findings;
}
