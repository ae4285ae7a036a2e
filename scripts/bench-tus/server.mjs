// The official tus Node server, as small as it comes, for scripts/bench-tus.sh.
// Usage: node server.mjs [port] [directory]   (or TUS_PORT / TUS_DIR; host TUS_HOST)
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const port = Number(process.argv[2] ?? process.env.TUS_PORT ?? 18192);
const directory = process.argv[3] ?? process.env.TUS_DIR ?? './tus-files';
const host = process.env.TUS_HOST ?? '127.0.0.1';

const server = new Server({ path: '/files', datastore: new FileStore({ directory }) });
server.listen(port, host, () => {
  console.log(`@tus/server on http://${host}:${port}/files storing into ${directory}`);
});
