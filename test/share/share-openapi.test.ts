import { expect } from 'chai';
import { openApiDocument } from '../../src/http/openapi.js';
import { shareOpenApi } from '../../src/share/share-openapi.js';
import { shareRouter } from '../../src/share/share-router.js';
import type { ShareService } from '../../src/share/share-service.js';
import { documentRoutes, expressRoutes } from '../http/api-operations.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- walks express's router stack */
/** The fragment describes exactly the routes the router serves, each /share/v1 one behind clientToken. */
describe('share: OpenAPI fragment against the router', function () {
  const router = shareRouter({ service: {} as ShareService, audit: new MemoryAuditLog(), signer: { sign: () => Buffer.alloc(0) } });
  // Catch-alls that refuse other methods and unknown paths (405/404, audited) are not operations.
  const served = expressRoutes((router as any).stack).sort();
  const doc = openApiDocument([shareOpenApi], { title: 't', version: '1' }) as any;
  const described = documentRoutes(doc).sort();

  it('lists the same routes', function () {
    expect(served).to.deep.equal(described);
  });

  it('puts every /share/v1 operation behind the client token and declares the refusals', function () {
    for (const [p, item] of Object.entries(doc.paths) as [string, any][]) {
      if (!p.startsWith('/share/v1/')) continue;
      expect(item.get.security, p).to.deep.equal([{ clientToken: [] }]);
      expect(Object.keys(item.get.responses), p).to.include.members(['200', '400', '401', '403', '429']);
    }
  });

  it('resolves every schema reference', function () {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const r of refs) expect(doc.components.schemas, r).to.have.property(r.split('/').at(-1)!);
  });
});
