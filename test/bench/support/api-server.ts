// packages/api's fetch handler behind a plain node:http server on a free port: the API as apps/web mounts
// it (`/api/trpc`), without the dashboard, for measuring the API alone and for driving the CLI against it.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiDepsFromConfig, handleTrpcRequest } from '@medsweep/api';
import type { ApiDeps } from '@medsweep/api';
import type { MedsweepConfig } from '@medsweep/config';

export interface ApiServer {
  url: string;
  stop(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const cookies = response.headers.getSetCookie();
  const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function startApiServer(config: MedsweepConfig): Promise<ApiServer> {
  const deps = apiDepsFromConfig(config);
  const server = await serveApi(deps);
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await deps.close();
    },
  };
}

/** Serves the API over `deps` (which the caller closes) on a free loopback port. */
export async function serveApi(deps: ApiDeps): Promise<ApiServer> {
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    toRequest(req, origin)
      .then((request) => handleTrpcRequest(request, deps))
      .then((response) => send(response, res))
      .catch((e: unknown) => {
        console.error('API server:', e);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
