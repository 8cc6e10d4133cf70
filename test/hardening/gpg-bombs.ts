import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Gpg } from '../keys/gpg-helper.ts';

const run = promisify(execFile);

/**
 * OpenPGP compression bombs as an attacker makes them: GnuPG, zlib level 9,
 * encrypted to the key a program publishes at /pgp-key.txt. The zeros are
 * piped from /dev/zero so the test process never holds them.
 */
export class GpgBombs {
  private readonly gpg = new Gpg();
  private fingerprint = '';

  /** Imports the program's public key (the text /pgp-key.txt served). */
  async trust(publicKeyArmored: string): Promise<void> {
    await this.gpg.ok(['--import'], publicKeyArmored);
    this.fingerprint = (await this.gpg.fingerprints())[0]!;
  }

  /** `inflatedBytes` zero bytes, compressed and encrypted: binary, or armored text for a form field. */
  async zeros(inflatedBytes: number, armor: boolean): Promise<Buffer> {
    return this.encrypt(`head -c ${inflatedBytes} /dev/zero`, armor);
  }

  /** A small ordinary message (e.g. the sealed JSON of a report), encrypted the same way. */
  async text(plaintext: string, armor: boolean): Promise<Buffer> {
    const file = `${this.gpg.home}/plain`;
    writeFileSync(file, plaintext);
    return this.encrypt(`cat ${file}`, armor);
  }

  private async encrypt(source: string, armor: boolean): Promise<Buffer> {
    const out = `${this.gpg.home}/out`;
    const gpg = ['gpg', '--homedir', this.gpg.home, '--batch', '--no-tty', '--yes', '--trust-model', 'always'];
    const args = [...gpg, '--compress-algo', 'zlib', '-z', '9', ...(armor ? ['--armor'] : []), '-r', this.fingerprint, '--output', out, '--encrypt'];
    await run('sh', ['-c', `${source} | ${args.join(' ')}`]);
    return readFileSync(out);
  }

  close(): void {
    this.gpg.close();
  }
}

/** Peak resident memory of this process since `start()`, from the kernel's high-water mark (Linux). */
export class PeakMemory {
  private baseline = 0;

  start(): void {
    // Writing 5 resets VmHWM (peak RSS) to the current RSS: the peak then covers only what follows.
    writeFileSync('/proc/self/clear_refs', '5');
    this.baseline = kib('VmRSS');
  }

  /** Growth of the peak over the resident size at start(), in bytes. */
  growth(): number {
    return (kib('VmHWM') - this.baseline) * 1024;
  }
}

function kib(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]);
}
