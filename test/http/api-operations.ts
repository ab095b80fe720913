/**
 * The operations of a served OpenAPI document, each with a URL whose path parameters have a
 * well-formed value of their schema, so a request's answer is about its token, not its shape.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the document is known JSON */
export interface Operation {
  method: string;
  path: string;
  role: 'operator' | 'auditor';
  url: string;
}

function sampleValue(schema: any): string {
  if (schema?.format === 'uuid') return '7f1c1b8e-0000-4000-8000-000000000000';
  if (schema?.pattern === '^[0-9]{12}$') return '099999999999';
  if (schema?.type === 'integer') return '1';
  return 'x';
}

export function operationsOf(document: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((p: any) => p.in === 'path');
      const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => sampleValue(params.find((p: any) => p.name === name)?.schema));
      ops.push({ method: method.toUpperCase(), path, role: op['x-required-role'], url });
    }
  }
  return ops;
}

/** `METHOD /path{param}` for every route in express's routing table (Express 5: `app.router.stack`), nested routers included. */
export function expressRoutes(stack: any[]): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods ?? {})) {
        if (method !== '_all') found.push(`${method.toUpperCase()} ${String(layer.route.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      found.push(...expressRoutes(layer.handle.stack));
    }
  }
  return found;
}

export function documentRoutes(doc: any): string[] {
  return Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
}
