import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { Gpg } from './gpg-helper.ts';

const PASSPHRASE = 'operator passphrase for the test key';

/** The fingerprint of the key /pgp-key.txt serves, as GnuPG reads it. */
async function servedFingerprint(url: string): Promise<string> {
  const gpg = new Gpg();
  try {
    await gpg.ok(['--import'], await (await fetch(`${url}/pgp-key.txt`)).text());
    const [fpr] = await gpg.fingerprints();
    // and security.txt verifies against it
    const verify = await gpg.run(['--status-fd', '1', '--verify'], await (await fetch(`${url}/.well-known/security.txt`)).text());
    assert.match(verify.stdout.toString(), new RegExp(`VALIDSIG ${fpr}`), verify.stderr);
    return fpr!;
  } finally {
    gpg.close();
  }
}

describe('embargo key on the embedded database', () => {
  let server: EmbargoProcess | undefined;
  const operator = new Gpg();
  after(async () => {
    await server?.stop();
    server?.removeFiles();
    operator.close();
  });

  it('generates a key on first start, then rotates and imports through the running server and directly', async () => {
    server = await startEmbargo();
    const logged = /Generated the OpenPGP key of program example: ([0-9A-F]{40})/.exec(server.stdout());
    assert.ok(logged, server.stdout());
    assert.equal(await servedFingerprint(server.baseUrl), logged[1]);
    const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG! };

    const generated = await runCli(['key', 'generate'], env);
    assert.equal(generated.code, 0, generated.stderr);
    const newFpr = /Fingerprint: ([0-9A-F]{40})/.exec(generated.stdout)![1]!;
    assert.notEqual(newFpr, logged[1]);
    assert.equal(await servedFingerprint(server.baseUrl), newFpr);

    // the operator's own key, made and exported by GnuPG
    await operator.ok(['--passphrase', PASSPHRASE, '--quick-gen-key', 'Example Corp Security <security@example.com>', 'future-default', 'default', 'never']);
    const [operatorFpr] = await operator.fingerprints();
    const secretFile = path.join(operator.home, 'secret.asc');
    const publicFile = path.join(operator.home, 'public.asc');
    writeFileSync(secretFile, (await operator.ok(['--passphrase', PASSPHRASE, '--armor', '--export-secret-keys', operatorFpr!])).stdout);
    writeFileSync(publicFile, (await operator.ok(['--armor', '--export', operatorFpr!])).stdout);

    const publicOnly = await runCli(['key', 'import', '--file', publicFile], env);
    assert.equal(publicOnly.code, 1);
    assert.match(publicOnly.stderr, /public key only/);
    const wrong = await runCli(['key', 'import', '--file', secretFile], env, 'not the passphrase\n');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /passphrase does not unlock/);
    assert.equal(await servedFingerprint(server.baseUrl), newFpr, 'refusals change nothing');

    const imported = await runCli(['key', 'import', '--file', secretFile, '--program', 'example'], { ...env, EMBARGO_KEY_PASSPHRASE: PASSPHRASE });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`Fingerprint: ${operatorFpr}`));
    assert.equal(await servedFingerprint(server.baseUrl), operatorFpr);

    const unknown = await runCli(['key', 'generate', '--program', 'nope'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No program "nope"\. Programs: example/);

    // with the server stopped the CLI opens the database itself, with the same secret.key
    assert.equal(await server.stop(), 0);
    const offline = await runCli(['key', 'generate'], env);
    assert.equal(offline.code, 0, offline.stderr);
    const offlineFpr = /Fingerprint: ([0-9A-F]{40})/.exec(offline.stdout)![1]!;

    server = await startEmbargo({ tempDir: server.tempDir });
    assert.doesNotMatch(server.stdout(), /Generated the OpenPGP key/);
    assert.match(server.stdout(), new RegExp(`OpenPGP key of program example: ${offlineFpr}`));
    assert.equal(await servedFingerprint(server.baseUrl), offlineFpr);
  });
});
