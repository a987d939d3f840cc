/**
 * A tiny static file server for browser tests: serves `root` (the built site) with `/data/` mapped to `dataDir`,
 * on a random free port on 127.0.0.1. No SPA fallback: every page is prerendered as `<route>/index.html`.
 */
import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.parquet': 'application/octet-stream',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8'
};

export interface StaticServer {
  url: string;
  port: number;
  /** Paths requested so far (for asserting that nothing was fetched from elsewhere or 404ed). */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

/** Resolves `rel` inside `root`, or null when it would escape it (`..`, absolute paths). */
function inside(root: string, rel: string): string | null {
  const full = resolve(root, '.' + sep + normalize(rel).replace(/^([/\\])+/, ''));
  return full === root || full.startsWith(root + sep) ? full : null;
}

export async function startStaticServer(opts: { root: string; dataDir?: string; prefix?: string; port?: number; host?: string }): Promise<StaticServer> {
  const root = resolve(opts.root);
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : null;
  // Optional subpath ("/sub/") to prove the build works when not served from the domain root.
  const prefix = (opts.prefix ?? '/').replace(/\/?$/, '/');
  const requests: StaticServer['requests'] = [];

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body = '') => {
      requests.push({ path: req.url ?? '', status });
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    try {
      let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (!path.startsWith(prefix)) return send(404, 'outside prefix');
      path = '/' + path.slice(prefix.length);
      let file: string | null;
      if (dataDir && path.startsWith('/data/')) file = inside(dataDir, path.slice('/data/'.length));
      else file = inside(root, path);
      if (!file) return send(403, 'forbidden');
      let st = await stat(file).catch(() => null);
      if (st?.isDirectory()) {
        file = join(file, 'index.html');
        st = await stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) return send(404, 'not found');
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      // Byte ranges (one range per request), as every static host serves them: the dashboard reads Parquet row
      // groups by HTTP range instead of whole files.
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] !== '' || range[2] !== '')) {
        const start = range[1] === '' ? Math.max(0, st.size - Number(range[2])) : Number(range[1]);
        const end = range[1] === '' || range[2] === '' ? st.size - 1 : Math.min(Number(range[2]), st.size - 1);
        if (start > end || start >= st.size) {
          requests.push({ path: req.url ?? '', status: 416 });
          res.writeHead(416, { 'content-range': `bytes */${st.size}` });
          return res.end();
        }
        requests.push({ path: req.url ?? '', status: 206 });
        res.writeHead(206, {
          'content-type': type,
          'content-length': end - start + 1,
          'content-range': `bytes ${start}-${end}/${st.size}`,
          'accept-ranges': 'bytes',
          'cache-control': 'no-store'
        });
        if (req.method === 'HEAD') return res.end();
        return createReadStream(file, { start, end }).pipe(res);
      }
      requests.push({ path: req.url ?? '', status: 200 });
      res.writeHead(200, { 'content-type': type, 'content-length': st.size, 'accept-ranges': 'bytes', 'cache-control': 'no-store' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      send(500, String(e));
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('static server: no port');
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}${prefix}`,
    port: addr.port,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      })
  };
}
