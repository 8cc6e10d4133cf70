import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface GpgResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * GnuPG in a throwaway home directory: the real client researchers use,
 * isolated from the machine's keyrings. close() stops the agent that secret
 * key operations start, then removes the directory.
 */
export class Gpg {
  readonly home: string;

  constructor() {
    this.home = mkdtempSync(path.join(tmpdir(), 'embargo-gpg-'));
    chmodSync(this.home, 0o700); // gpg warns about (and agents refuse) group-readable homes
  }

  run(args: string[], input?: string | Uint8Array): Promise<GpgResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('gpg', ['--homedir', this.home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
      child.stdin.on('error', () => {}); // gpg may exit before reading its input; its exit code tells why
      child.stdin.end(input ?? '');
    });
  }

  /** Runs and throws with gpg's own words when it fails. */
  async ok(args: string[], input?: string | Uint8Array): Promise<GpgResult> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`gpg ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    return r;
  }

  /** Fingerprints of the public keys in the keyring, uppercase. */
  async fingerprints(): Promise<string[]> {
    const r = await this.ok(['--with-colons', '--list-keys']);
    const lines = r.stdout.toString().split('\n');
    const fprs: string[] = [];
    lines.forEach((line, i) => {
      if (line.startsWith('pub:')) {
        const fpr = lines.slice(i + 1).find((l) => l.startsWith('fpr:'));
        if (fpr) fprs.push(fpr.split(':')[9]!);
      }
    });
    return fprs;
  }

  close(): void {
    spawnSync('gpgconf', ['--homedir', this.home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
    rmSync(this.home, { recursive: true, force: true });
  }
}
