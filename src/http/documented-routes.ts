import type { Role } from './api-actor.js';

/**
 * The routes the OpenAPI document describes, matched as express should (case-sensitive, no
 * trailing slash): a path that is not exactly a documented one is unknown (404), a documented
 * path asked with a method it does not document is refused (405, with Allow), HEAD included.
 * One table for every route, so no spelling of a path or method walks around the gate.
 */
export interface DocumentedOperation {
  method: string;
  path: string;
  operationId: string | undefined;
  role: Role | undefined;
}

interface DocumentedPath {
  path: string;
  pattern: RegExp;
  operations: DocumentedOperation[];
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

export interface RouteMatch {
  path: string;
  operation: DocumentedOperation | undefined;
  allowed: string[];
}

export function documentedRoutes(document: Record<string, unknown>) {
  const paths: DocumentedPath[] = [];
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, Record<string, unknown> | undefined>>)) {
    const pattern = new RegExp(`^${path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}$`);
    const operations: DocumentedOperation[] = [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const role = op['x-required-role'];
      operations.push({
        method: method.toUpperCase(), path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        role: role === 'operator' || role === 'auditor' ? role : undefined,
      });
    }
    paths.push({ path, pattern, operations });
  }
  // A static path wins over a template that also matches it ('/a/search' before '/a/{id}').
  paths.sort((a, b) => a.path.split('{').length - b.path.split('{').length);
  return {
    /** The documented path `requestPath` is, with the operation of `method` on it; undefined for an undocumented path. */
    match(method: string, requestPath: string): RouteMatch | undefined {
      const found = paths.find((p) => p.pattern.test(requestPath));
      if (!found) return undefined;
      return {
        path: found.path,
        operation: found.operations.find((o) => o.method === method),
        allowed: found.operations.map((o) => o.method),
      };
    },
  };
}

export type DocumentedRoutes = ReturnType<typeof documentedRoutes>;
