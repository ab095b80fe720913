import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { sourceFiles } from './support/error-code-scan.js';

/**
 * No two modules of src/ import each other, directly or around a loop, counting `import type`
 * too. import-x/no-cycle (npm run lint) cannot see type imports: it skips them before following
 * them and has no option for it (docs/decisions/import-boundaries.md). A type-only loop does no
 * harm at run time, but it ties two modules together for a reader all the same.
 */
type Graph = Map<string, string[]>;

function importGraph(files: string[]): Graph {
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components of more than one module (Tarjan), each a loop. */
export function loops(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('foundation: no module loop in src/, type imports included', function () {
  const root = fileURLToPath(new URL('../..', import.meta.url));

  it('finds none', function () {
    const found = loops(importGraph(sourceFiles(join(root, 'src'))));
    expect(found.map((loop) => loop.map((f) => relative(root, f)).join(' <-> '))).to.deep.equal([]);
  });

  it('sees a loop closed by a type import alone', function () {
    const a = '/x/src/a.ts';
    const b = '/x/src/b.ts';
    const graph: Graph = new Map([[a, [b]], [b, [a]]]);
    expect(loops(graph)).to.deep.equal([[a, b]]);
    const typeOnly = ts.preProcessFile("import type { A } from './a.js';\nexport type B = A;\n", true, false).importedFiles.map((i) => i.fileName);
    expect(typeOnly).to.deep.equal(['./a.js']);
  });
});
