import { after } from 'node:test';
import { tempFolder } from './paths.ts';
import type { ServerProcess } from './server-process.ts';

/**
 * What a test file starts and creates, ended after its last test: servers
 * still running are killed (and waited for), then the temporary folders go.
 * Push every server started to `servers`; `folder` makes a folder to remove.
 */
export function cleanedUpAfterTests(): { readonly servers: ServerProcess[]; readonly folder: (prefix: string) => string } {
  const servers: ServerProcess[] = [];
  const folders: { remove: () => void }[] = [];
  after(async () => {
    for (const server of servers) if (!server.exited) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.waitForExit()));
    for (const folder of folders) folder.remove();
  });
  const folder = (prefix: string): string => {
    const created = tempFolder(prefix);
    folders.push(created);
    return created.path;
  };
  return { servers, folder };
}
