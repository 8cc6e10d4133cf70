import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import pino from 'pino';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { generateProgramKey } from '../../src/keys/generate-program-key.ts';
import { importProgramKey, KeyRejectedError } from '../../src/keys/import-program-key.ts';
import { keyPassphrase, unlockCheck } from '../../src/keys/key-protection.ts';
import { activeKey, activeKeyInfo, decryptionKeys, programKeys } from '../../src/keys/program-keys.ts';
import { signCleartext } from '../../src/keys/sign-cleartext.ts';
import type { Program } from '../../src/programs/programs.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo } from '../helpers/factories.ts';
import { Gpg } from './gpg-helper.ts';

const silent = pino({ level: 'silent' });
const PASSPHRASE = 'gpg test passphrase, long enough';

/** Keys made by GnuPG itself, the way an operator would bring them. */
async function gpgKeys(gpg: Gpg): Promise<{ secret: string; publicOnly: string; fingerprint: string; noSigning: string }> {
  const pw = ['--passphrase', PASSPHRASE];
  await gpg.ok([...pw, '--quick-gen-key', 'Example Corp Security <security@example.com>', 'future-default', 'default', 'never']);
  const [fingerprint] = await gpg.fingerprints();
  const secret = (await gpg.ok([...pw, '--armor', '--export-secret-keys', fingerprint!])).stdout.toString();
  const publicOnly = (await gpg.ok(['--armor', '--export', fingerprint!])).stdout.toString();
  // certify-only primary with just an encryption subkey: nothing can sign
  await gpg.ok([...pw, '--quick-gen-key', 'No Signing <nosign@example.com>', 'ed25519', 'cert', 'never']);
  const nosignFpr = (await gpg.fingerprints()).find((f) => f !== fingerprint)!;
  await gpg.ok([...pw, '--quick-add-key', nosignFpr, 'cv25519', 'encr', 'never']);
  const noSigning = (await gpg.ok([...pw, '--armor', '--export-secret-keys', nosignFpr])).stdout.toString();
  return { secret, publicOnly, fingerprint: fingerprint!, noSigning };
}

async function rejected(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof KeyRejectedError && pattern.test(err.message));
}

const gpg = new Gpg();
const fromGpg = await gpgKeys(gpg).finally(() => gpg.close());

for (const kind of await databaseKinds()) {
  describe(`program keys (${kind})`, () => {
    let t: TestDatabase;
    let program: Program;
    const secret = new InstanceSecret(randomBytes(32), 'test');
    before(async () => {
      t = await freshDatabase(kind);
      program = await demo(t.db);
    });
    after(async () => {
      await t?.close();
    });

    it('generates a v4 Curve25519 key on first start, once, even when two processes race', async () => {
      await Promise.all([ensureProgramKeys(t.db, secret, ['example'], silent), ensureProgramKeys(t.db, secret, ['example'], silent)]);
      await ensureProgramKeys(t.db, secret, ['example'], silent);
      const keys = await programKeys(t.db, program.id);
      assert.equal(keys.length, 1);
      assert.equal(keys[0]!.status, 'active');
      assert.equal(keys[0]!.origin, 'generated');
      const pub = await openpgp.readKey({ armoredKey: keys[0]!.publicKeyArmored });
      assert.equal(pub.keyPacket.version, 4);
      assert.equal(pub.getAlgorithmInfo().algorithm, 'eddsaLegacy');
      assert.deepEqual(pub.getUserIDs(), ['Example Corp Security <security@example.com>']);
      const info = await activeKeyInfo(t.db, program.id);
      assert.equal(info!.fingerprint, pub.getFingerprint().toUpperCase());
      assert.equal(info!.keyId, pub.getKeyID().toHex().toUpperCase());
    });

    it('stores the private key encrypted: unreadable without the passphrase derived from the instance secret', async () => {
      const stored = (await activeKey(t.db, program.id))!;
      const locked = await openpgp.readPrivateKey({ armoredKey: stored.privateKeyArmored });
      assert.equal(locked.isDecrypted(), false);
      for (const guess of ['', 'password', keyPassphrase(new InstanceSecret(randomBytes(32), 'other'), stored.fingerprint)]) {
        await assert.rejects(openpgp.decryptKey({ privateKey: locked, passphrase: guess }));
      }
      assert.ok(!stored.privateKeyArmored.includes(keyPassphrase(secret, stored.fingerprint)));
      const opened = await openpgp.decryptKey({ privateKey: locked, passphrase: keyPassphrase(secret, stored.fingerprint) });
      assert.equal(opened.isDecrypted(), true);
      // another secret cannot start on this database, and says what to do
      await assert.rejects(ensureProgramKeys(t.db, new InstanceSecret(randomBytes(32), 'EMBARGO_SECRET'), ['example'], silent), /cannot be unlocked with the instance secret from EMBARGO_SECRET.*embargo key generate/s);
    });

    it('remembers that the secret opened the key, and decrypts it again when that proof does not match', async () => {
      const stored = (await activeKey(t.db, program.id))!;
      const checkOf = async () => (await t.db.selectFrom('program_keys').select('unlock_check').where('id', '=', stored.id).executeTakeFirstOrThrow()).unlock_check;
      assert.deepEqual(await checkOf(), unlockCheck(secret, stored), 'written when the key was made with this secret');
      assert.notDeepEqual(unlockCheck(new InstanceSecret(randomBytes(32), 'other'), stored), unlockCheck(secret, stored), 'another secret gives another value');
      assert.notDeepEqual(unlockCheck(secret, { ...stored, privateKeyArmored: stored.privateKeyArmored.replace(/\n=/, '\n =') }), unlockCheck(secret, stored), 'another key gives another value');

      // A damaged proof is no proof: the key is decrypted (it opens) and the proof written again.
      await t.db.updateTable('program_keys').set({ unlock_check: Buffer.from('not a check') }).where('id', '=', stored.id).execute();
      await ensureProgramKeys(t.db, secret, ['example'], silent);
      assert.deepEqual(await checkOf(), unlockCheck(secret, stored));

      // A proof made with another secret does not let that secret start: the key is decrypted, and does not open.
      const other = new InstanceSecret(randomBytes(32), 'EMBARGO_SECRET');
      await t.db.updateTable('program_keys').set({ unlock_check: null }).where('id', '=', stored.id).execute();
      await assert.rejects(ensureProgramKeys(t.db, other, ['example'], silent), /cannot be unlocked with the instance secret from EMBARGO_SECRET/);
      assert.equal(await checkOf(), null, 'a failed check writes no proof');
      await ensureProgramKeys(t.db, secret, ['example'], silent);
      assert.deepEqual(await checkOf(), unlockCheck(secret, stored));
    });

    it('signs cleartext with the active key', async () => {
      const signed = (await signCleartext(t.db, secret, program.id, 'Contact: mailto:security@example.com\n'))!;
      assert.match(signed, /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n/);
      const message = await openpgp.readCleartextMessage({ cleartextMessage: signed });
      const verification = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: (await activeKey(t.db, program.id))!.publicKeyArmored }) });
      assert.equal(await verification.signatures[0]!.verified, true);
      await assert.rejects(signCleartext(t.db, secret, program.id, 'trailing space \n'), /whitespace/);
    });

    it('imports a key made by GnuPG, retiring the generated one but keeping it for decryption', async () => {
      const before = (await activeKey(t.db, program.id))!;
      const result = await importProgramKey(t.db, secret, program, fromGpg.secret, PASSPHRASE);
      assert.equal(result.fingerprint.toUpperCase(), fromGpg.fingerprint);
      assert.deepEqual(result.warnings, []);
      const keys = await programKeys(t.db, program.id);
      assert.deepEqual(
        keys.map((k) => [k.fingerprint, k.status, k.origin]),
        [
          [fromGpg.fingerprint.toLowerCase(), 'active', 'imported'],
          [before.fingerprint, 'retired', 'generated'],
        ],
      );
      assert.ok(keys[1]!.retiredAt instanceof Date);
      // re-encrypted under our passphrase: the operator's passphrase no longer opens the stored copy
      const stored = await openpgp.readPrivateKey({ armoredKey: keys[0]!.privateKeyArmored });
      await assert.rejects(openpgp.decryptKey({ privateKey: stored, passphrase: PASSPHRASE }));

      const decrypting = await decryptionKeys(t.db, secret, program.id);
      assert.deepEqual(
        decrypting.map((k) => k.getFingerprint()),
        [fromGpg.fingerprint.toLowerCase(), before.fingerprint],
      );
      // mail encrypted to the retired key can still be read
      const encrypted = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'old report' }), encryptionKeys: await openpgp.readKey({ armoredKey: before.publicKeyArmored }) });
      const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: encrypted }), decryptionKeys: decrypting });
      assert.equal(data, 'old report');
    });

    it('rotates by generating again; a re-imported key becomes active again', async () => {
      const { fingerprint, generated } = await generateProgramKey(t.db, secret, program);
      assert.ok(generated);
      assert.equal((await activeKey(t.db, program.id))!.fingerprint, fingerprint);
      await importProgramKey(t.db, secret, program, fromGpg.secret, PASSPHRASE);
      const keys = await programKeys(t.db, program.id);
      assert.equal(keys.length, 3);
      assert.equal(keys.filter((k) => k.status === 'active').length, 1);
      assert.equal(keys[0]!.fingerprint, fromGpg.fingerprint.toLowerCase());
      assert.equal(keys.find((k) => k.fingerprint === fingerprint)!.status, 'retired');
    });

    it('refuses keys it cannot use, saying why', async () => {
      await rejected(importProgramKey(t.db, secret, program, fromGpg.publicOnly, undefined), /public key only.*--export-secret-keys/s);
      await rejected(importProgramKey(t.db, secret, program, fromGpg.secret, 'wrong passphrase'), /passphrase does not unlock/);
      await rejected(importProgramKey(t.db, secret, program, fromGpg.secret, undefined), /protected by a passphrase/);
      await rejected(importProgramKey(t.db, secret, program, fromGpg.noSigning, PASSPHRASE), /no usable signing key/);
      await rejected(importProgramKey(t.db, secret, program, 'hello', undefined), /not an ASCII-armored OpenPGP key/);
      const v6 = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ email: 'security@example.com' }], config: { v6Keys: true } });
      await rejected(importProgramKey(t.db, secret, program, v6.privateKey, undefined), /version 6 key/);
      assert.equal((await activeKey(t.db, program.id))!.fingerprint, fromGpg.fingerprint.toLowerCase(), 'nothing changed');
    });

    it('warns when the key has no user ID for the contact address', async () => {
      const other = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'Someone', email: 'someone@example.org' }] });
      const result = await importProgramKey(t.db, secret, program, other.privateKey, undefined);
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!, /no user ID with security@example.com/);
    });

    it('two processes with different secrets racing to make the first key: the loser is refused, and no proof names its secret', async () => {
      await t.db.updateTable('program_keys').set({ status: 'retired', retired_at: new Date() }).where('program_id', '=', program.id).execute();
      const secrets = [secret, new InstanceSecret(randomBytes(32), 'EMBARGO_SECRET')];
      const outcomes = await Promise.allSettled(secrets.map((s) => ensureProgramKeys(t.db, s, ['example'], silent)));
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'], 'exactly one secret opens the key that was made');
      const winner = secrets[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
      const loser = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      assert.match((loser.reason as Error).message, /cannot be unlocked with the instance secret/);
      const made = (await activeKey(t.db, program.id))!;
      const { unlock_check } = await t.db.selectFrom('program_keys').select('unlock_check').where('id', '=', made.id).executeTakeFirstOrThrow();
      assert.deepEqual(unlock_check, unlockCheck(winner, made));
    });
  });
}
