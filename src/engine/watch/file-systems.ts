// fs.promises on first use: node:fs/promises (with Node's readline) is not loaded by an idle follower.
import fs from 'node:fs';

/**
 * Linux file system types (statfs f_type) whose files can change on another
 * machine: inotify only reports changes made through this kernel, so those
 * need a poll as well. (FUSE covers sshfs, rclone and the like; 9p covers
 * WSL's view of Windows drives.)
 */
const REMOTE_FILE_SYSTEMS = new Map<number, string>([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x65735546, 'FUSE'],
  [0x01021997, '9p'],
  [0x73757245, 'Coda'],
  [0x5346414f, 'AFS'],
  [0x00c36400, 'Ceph'],
  [0x0bd00bd0, 'Lustre'],
  [0x47504653, 'GPFS'],
]);

/** The name of the remote file system `folder` lives on, or undefined for a local one (or off Linux, where this is not known). */
export async function remoteFileSystem(folder: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  if (platform !== 'linux') return undefined;
  try {
    const info = await fs.promises.statfs(folder);
    // f_type is unsigned; Node may hand it over as a negative 32-bit number.
    return REMOTE_FILE_SYSTEMS.get(info.type >>> 0);
  } catch {
    return undefined;
  }
}
