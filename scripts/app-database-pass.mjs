// Which database each startTestApp call of a test file gives the app, read from the file's text, so
// test/suite/app-database-pass.test.ts can check that every HTTP-level file runs the app on PostgreSQL.
//
// The first argument of every startTestApp call says which database the app gets:
//   startTestApp(), startTestApp(undefined, …), startTestApp(defaultAppDatabase(), …)
//       'default': PostgreSQL (test/helpers/http-app.ts).
//   startTestApp(kind, …) inside `for (const kind of await databaseKinds())`
//       'loop': the file runs both databases itself.
//   startTestApp('pglite', …) / startTestApp('postgres', …)
//       'fixed': one database on purpose; the call must say why in a comment that starts with
//       "fixed database:" on the same line or on the lines just above it.
// Anything else is 'unknown', and the guard test fails on it.

/** The marker a hard-coded database kind needs beside it. */
export const FIXED_MARKER = 'fixed database:';

/**
 * Every startTestApp call in a file's text: its line (1-based), its first argument as written,
 * and its class ('default' | 'loop' | 'fixed' | 'unknown'), with a reason for 'unknown'.
 */
export function appCalls(source) {
  const lines = source.split('\n');
  const calls = [];
  const loops = /for\s*\(\s*const\s+(\w+)\s+of\s+await\s+databaseKinds\(\)\s*\)/.exec(source);
  const loopVar = loops?.[1];
  for (const m of source.matchAll(/\bstartTestApp\s*\(/g)) {
    const i = source.slice(0, m.index).split('\n').length - 1;
    if (/function\s+startTestApp\s*\($/.test(source.slice(0, m.index + m[0].length))) continue;
    const arg = firstArgument(source.slice(m.index + m[0].length));
    const call = { line: i + 1, arg, kind: 'unknown', reason: '' };
    if (arg === '' || arg === 'undefined' || arg === 'defaultAppDatabase()') call.kind = 'default';
    else if (/^'(pglite|postgres)'$/.test(arg)) {
      const nearby = lines.slice(Math.max(0, i - 3), i + 1).join('\n');
      if (nearby.includes(FIXED_MARKER)) call.kind = 'fixed';
      else call.reason = `hard-coded ${arg} with no "// ${FIXED_MARKER} <why>" comment: use startTestApp() so it runs on PostgreSQL`;
    } else if (loopVar && arg === loopVar) call.kind = 'loop';
    else call.reason = `first argument ${JSON.stringify(arg)} is neither the default, a databaseKinds() loop variable, nor a justified fixed kind`;
    calls.push(call);
  }
  return calls;
}

/** The first argument of a call, from the text after its opening parenthesis (up to a top-level `,` or `)`). */
function firstArgument(rest) {
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '/' && rest[i + 1] === '/') return rest.slice(0, i).trim(); // a comment where the arguments should be

    if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && depth > 0) depth--;
    else if ((c === ',' || c === ')') && depth === 0) return rest.slice(0, i).trim();
  }
  return rest.trim();
}

/** Whether a file starts at least one app on the default database. */
export function runsOnDefaultApp(source) {
  return appCalls(source).some((c) => c.kind === 'default');
}
