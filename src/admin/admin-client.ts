import net from 'node:net';
import path from 'node:path';
import type { BackupProgress } from '../backup/write-backup.ts';
import type { AdminAnswer, AdminCommand } from './admin-socket.ts';

// The CLI's side of the admin socket (src/admin/admin-socket.ts), apart from the server's side so that
// `embargo user list` and the like load no more than this to talk to a running server.

/** The admin socket of the server that holds this data directory. */
export function adminSocketPath(dataDir: string): string {
  return path.join(dataDir, 'admin.sock');
}

/**
 * Sends a command to the running server of this data directory. Every line before the last is a
 * progress line (`{"progress": …}`, only for a backup that asked for them); the last is the answer.
 */
export function sendAdminCommand(dataDir: string, command: AdminCommand, onProgress?: BackupProgress): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(adminSocketPath(dataDir));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(command) + '\n'));
    socket.on('data', (chunk) => {
      data += chunk;
      for (let nl = data.indexOf('\n'); nl >= 0 && data.startsWith('{"progress":'); nl = data.indexOf('\n')) {
        onProgress?.((JSON.parse(data.slice(0, nl)) as { progress: Parameters<BackupProgress>[0] }).progress);
        data = data.slice(nl + 1);
      }
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(data) as AdminAnswer);
      } catch {
        reject(new Error('The running server gave no answer.'));
      }
    });
    socket.on('error', (err) => reject(new Error(`Cannot reach the running server at ${adminSocketPath(dataDir)}: ${err.message}`)));
  });
}
