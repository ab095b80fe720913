import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { AppError } from './app-error.js';

/**
 * The gateway's listening socket, bound before anything else starts: a taken port is known
 * before the databases open and the first sync runs. Until the app is composed, /healthz says
 * the process lives and everything else answers 503 `app.starting`, so a probe that comes
 * early sees "not yet" rather than a refused connection.
 *
 * Shutdown (`drain`): stop accepting, let in-flight requests finish, close idle keep-alive
 * connections at once and each busy one as its response ends, and after `timeoutMs` cut what
 * is left. Keep-alive sockets would otherwise hold the process open forever.
 */
export interface HttpListener {
  server: Server;
  port: number;
  /** The base URL as a client on this machine reaches it. */
  url: string;
  scheme: 'http' | 'https';
  serve(app: RequestListener): void;
  /** Stops accepting and waits for in-flight requests, at most `timeoutMs`; true when all ended in time. */
  drain(timeoutMs: number): Promise<boolean>;
}

function starting(req: IncomingMessage, res: ServerResponse): void {
  const alive = req.url === '/healthz';
  res.statusCode = alive ? 200 : 503;
  res.setHeader('content-type', 'application/json');
  if (!alive) res.setHeader('retry-after', '5');
  res.end(JSON.stringify(alive ? { status: 'ok' } : { code: 'app.starting', message: 'the gateway is starting; try again in a few seconds' }));
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): AppError {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE') {
    return new AppError(
      'app.port_in_use',
      `port ${port} on ${host} is already in use (another gateway, or another program): stop it, or start on another port with PORT=${port + 1} npm start (or csdl-gateway start --port ${port + 1})`,
      { cause: err },
    );
  }
  if (err.code === 'EACCES') {
    return new AppError('app.port_denied', `not allowed to listen on ${where} (ports below 1024 need privileges): set PORT to 1024 or above`, { cause: err });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new AppError('app.host_unavailable', `cannot listen on ${where}: HOST is not an address of this machine`, { cause: err });
  }
  return new AppError('app.listen_failed', `cannot listen on ${where}: ${err.message}`, { cause: err });
}

function tlsServer(tls: NonNullable<Config['tls']>, handler: RequestListener): Server {
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`config: cannot read ${key} ${file}: ${(err as Error).message}`, undefined, { cause: err });
    }
  };
  return createHttpsServer(
    {
      cert: read(tls.certFile, 'TLS_CERT_FILE'),
      key: read(tls.keyFile, 'TLS_KEY_FILE'),
      ...(tls.clientCaFile
        ? {
            ca: read(tls.clientCaFile, 'TLS_CLIENT_CA_FILE'),
            // Asked of every client, refused per route: /share requires one, while probes and
            // operators' bearer tokens work without (src/app/client-certificate-gate.ts).
            requestCert: true,
            rejectUnauthorized: false,
          }
        : {}),
    },
    handler,
  ) as unknown as Server;
}

export async function bindHttp(config: Pick<Config, 'host' | 'port' | 'tls'>): Promise<HttpListener> {
  let app: RequestListener | undefined;
  let closing = false;
  const handler: RequestListener = (req, res) => {
    // While draining, no connection stays open after its answer.
    if (closing) res.setHeader('connection', 'close');
    if (app) app(req, res);
    else starting(req, res);
  };
  const server = config.tls ? tlsServer(config.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, config.host, config.port)));
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tls ? 'https' : 'http';
  // Every interface (0.0.0.0, ::) is reached locally on loopback; a named host is shown as given.
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  let closed: Promise<void> | undefined;
  return {
    server,
    port,
    scheme,
    url: `${scheme}://${shownHost}:${port}`,
    serve(next) {
      app = next;
    },
    async drain(timeoutMs) {
      closing = true;
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A busy keep-alive connection becomes idle when its response ends.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        const inTime = await Promise.race([closed.then(() => true), timedOut]);
        if (!inTime) {
          server.closeAllConnections();
          await closed;
        }
        return inTime;
      } finally {
        clearInterval(sweep);
        clearTimeout(timer);
      }
    },
  };
}
