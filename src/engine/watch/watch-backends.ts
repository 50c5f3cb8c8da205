import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FolderHandle, WatchFolder } from './folder-tree.ts';
import { parentOf } from './folder-tree.ts';

/**
 * A change somewhere in a folder of the tree: `name` is the entry that changed
 * (or the folder itself, for events about the watched folder), undefined when
 * the operating system could not say what changed (the tree must be checked).
 */
export type FolderEvent = (folder: string, name: string | undefined) => void;

/** Watching was refused for want of watches: the system's inotify limit, or Baton's share of it. */
export class WatchLimitError extends Error {
  override readonly name = 'WatchLimitError';
}

/** Folders watched with a handle of their own, across every codebase of this process (the inotify budget). */
export interface WatchBudget {
  used: number;
  readonly max: number;
}

/** How change events reach a codebase's FolderTree. */
export interface TreeWatchBackend {
  readonly watchFolder: WatchFolder;
  /** Starts the backend's own watch of the whole tree, if it has one. */
  start(): void;
  close(): void;
}

/**
 * Linux (and any system without a native recursive watch): one inotify watch
 * per folder of the tree, so ignored folders — node_modules, .git, build
 * output — cost nothing and send nothing. Node's own `recursive: true` on
 * Linux watches every file and folder (ignored or not) and walks the tree
 * synchronously when it starts, which is why it is not used here.
 */
export function perFolderBackend(onEvent: FolderEvent, budget: WatchBudget): TreeWatchBackend {
  const open = new Set<FolderHandle>();
  const watchFolder: WatchFolder = (relative, absolute) => {
    if (budget.used >= budget.max) {
      throw new WatchLimitError(`Baton's share of inotify watches is used up (${budget.max} folders)`);
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(absolute, { persistent: false }, (_type, name) => onEvent(relative, name ?? undefined));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw new WatchLimitError('the system limit on inotify watches (fs.inotify.max_user_watches) is reached');
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return undefined; // gone or unreadable: the scan skips it too
      throw error;
    }
    budget.used++;
    // An error on one folder's watch (it vanished under the watch, on some systems) means: check that folder.
    watcher.on('error', () => {
      handle.close();
      onEvent(parentOf(relative), relative === '' ? undefined : path.posix.basename(relative));
    });
    let closed = false;
    const handle: FolderHandle = {
      close: () => {
        if (closed) return;
        closed = true;
        budget.used--;
        open.delete(handle);
        watcher.close();
      },
    };
    open.add(handle);
    return handle;
  };
  return {
    watchFolder,
    start: () => {},
    close: () => {
      for (const handle of [...open]) handle.close();
    },
  };
}

/**
 * macOS (FSEvents) and Windows (ReadDirectoryChangesW): one native recursive
 * watch of the root, so folders cost no watch each. Events from ignored
 * folders still arrive (node_modules during an install) and are dropped by
 * the tree's rules, one map lookup each.
 */
export function recursiveBackend(root: string, onEvent: FolderEvent, onFault: (reason: string) => void): TreeWatchBackend {
  let watcher: FSWatcher | undefined;
  return {
    watchFolder: () => undefined,
    start: () => {
      watcher = watch(root, { recursive: true, persistent: false }, (_type, name) => {
        // A null name: the system dropped events (a buffer overflow); everything must be checked.
        if (!name) return onEvent('', undefined);
        const relative = name.split(path.sep).join('/');
        onEvent(parentOf(relative), path.posix.basename(relative));
      });
      watcher.on('error', (error) => onFault(`the folder's watch failed (${error.message})`));
    },
    close: () => watcher?.close(),
  };
}

/** Whether this platform has a native recursive watch that costs one handle per tree. */
export function hasNativeRecursiveWatch(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}
