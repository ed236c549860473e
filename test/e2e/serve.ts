// The e2e tests serve folders with the product's own static server (src/node/static-server.ts:
// 127.0.0.1 only, GET/HEAD, nothing outside the root), recording every request they see.
import { serveStatic, type LocalServer } from '../../src/node/static-server.ts';

export interface StaticServer extends LocalServer {
  /** Paths requested so far, in order (with the query string). */
  requests: string[];
}

/** Serves `root` on 127.0.0.1 (port 0: the OS picks a free one). */
export async function serveFolder(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  const server = await serveStatic(root, 0, (url) => requests.push(url));
  return { ...server, requests };
}
