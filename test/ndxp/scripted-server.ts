import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback that answers each request with the next scripted step, and
 * keeps every request's headers and exact body bytes (style.md §8: the transport is tested
 * against a server that fails on purpose, attempt by attempt).
 */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Step = (res: http.ServerResponse, req: http.IncomingMessage) => void;

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  script(...steps: Step[]): void;
  close(): Promise<void>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => (res, req) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': String(req.headers['x-request-id'] ?? ''), ...headers });
  res.end(JSON.stringify(body));
};

/** Drops the connection without an answer. */
export const reset: Step = (_res, req) => req.socket.destroy();

/** Never answers (the client's deadline must end the attempt). */
export const silence: Step = () => undefined;

export const token = (accessToken: string): Step => json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });

export async function startScriptedServer(): Promise<ScriptedServer> {
  const steps: Step[] = [];
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const step = steps.shift() ?? json(500, { code: 'UNSCRIPTED', message: `no step left for ${req.method} ${req.url}` });
      step(res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...more) => steps.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
