import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asDatabaseUnavailable, classifyDatabaseError } from '../../src/db/database-errors.ts';
import { DatabaseUnavailableError } from '../../src/errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyDatabaseError', () => {
  const cases: [string, unknown, ReturnType<typeof classifyDatabaseError>][] = [
    ['57P01 admin shutdown (pg_terminate_backend, restart)', withCode('terminating connection due to administrator command', '57P01'), 'unavailable'],
    ['57P03 cannot connect now (starting up)', withCode('the database system is starting up', '57P03'), 'unavailable'],
    ['08006 connection failure', withCode('connection failure', '08006'), 'unavailable'],
    ['53300 too many connections', withCode('sorry, too many clients already', '53300'), 'unavailable'],
    ['58030 I/O error', withCode('could not read block', '58030'), 'unavailable'],
    ['ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unavailable'],
    ['both addresses of localhost refused', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')]), 'unavailable'],
    ['pg: connection ended', new Error('Connection terminated unexpectedly'), 'unavailable'],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect'), 'unavailable'],
    ['53100 disk full', withCode('could not extend file "base/5/16599": No space left on device', '53100'), 'storage_full'],
    ['ENOSPC', withCode('ENOSPC: no space left on device, write', 'ENOSPC'), 'storage_full'],
    ['PGlite aborted', new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'), 'failed'],
    ['PGlite closed', new Error('PGlite is closed'), 'failed'],
    ['a unique violation is the caller’s', withCode('duplicate key value violates unique constraint', '23505'), undefined],
    ['a syntax error is a bug', withCode('syntax error at or near "SELEC"', '42601'), undefined],
    ['not an error at all', 'boom', undefined],
  ];
  for (const [name, err, expected] of cases) {
    it(`${name} → ${expected ?? 'not about availability'}`, () => assert.equal(classifyDatabaseError(err), expected));
  }

  it('wraps what is about availability, keeps the cause, and leaves the rest alone', () => {
    const lost = withCode('terminating connection due to administrator command', '57P01');
    const wrapped = asDatabaseUnavailable(lost);
    assert.ok(wrapped instanceof DatabaseUnavailableError);
    assert.equal(wrapped.status, 503);
    assert.equal(wrapped.code, 'database_unavailable');
    assert.equal(wrapped.cause, lost);
    assert.doesNotMatch(wrapped.message, /administrator|57P01/, 'the detail stays out of the answer');
    const unique = withCode('duplicate key', '23505');
    assert.equal(asDatabaseUnavailable(unique), unique);
  });
});
