import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ReportVault, indexWords } from '../../src/crypto/report-vault.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';

const vault = new ReportVault(new InstanceSecret(randomBytes(32), 'test'));

describe('report vault', () => {
  it('seals and opens a field with the report key', () => {
    const id = randomUUID();
    const { key, wrapped } = vault.newKey(id);
    const sealed = vault.seal(key, 'description', 'heap overflow in <parser>');
    assert.ok(!sealed.includes(Buffer.from('overflow')));
    const reopened = vault.openKey(id, wrapped);
    assert.equal(vault.openText(reopened, 'description', sealed), 'heap overflow in <parser>');
  });

  it('refuses a value moved to another column or report, a tampered value, or another secret', () => {
    const a = vault.newKey(randomUUID()).key;
    const b = vault.newKey(randomUUID()).key;
    const sealed = vault.seal(a, 'title', 'secret title');
    assert.throws(() => vault.open(a, 'impact', sealed));
    assert.throws(() => vault.open(b, 'title', sealed));
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => vault.open(a, 'title', tampered));
    const id = randomUUID();
    const { wrapped } = vault.newKey(id);
    assert.throws(() => new ReportVault(new InstanceSecret(randomBytes(32), 'other')).openKey(id, wrapped));
    assert.throws(() => vault.openKey(randomUUID(), wrapped), 'a wrapped key is bound to its report');
  });

  it('indexes words blindly and consistently', () => {
    assert.deepEqual(indexWords('Heap-overflows in the PNG parser, v2.1!'), ['heap', 'overflow', 'in', 'the', 'png', 'parser', 'v2']);
    const terms = vault.blindTerms('Heap overflow');
    assert.deepEqual(terms, [vault.blindTerm('heap'), vault.blindTerm('overflow')]);
    assert.ok(terms.every((t) => /^[A-Za-z0-9_-]{16}$/.test(t)));
    assert.notDeepEqual(new ReportVault(new InstanceSecret(randomBytes(32), 'x')).blindTerms('Heap overflow'), terms);
  });
});
