// Preloaded with `node --import`: prints every module the process loads
// (one URL per line on stderr, prefixed) so a test can see what a command pulls in.
import { registerHooks } from 'node:module';

registerHooks({
  load(url, context, nextLoad) {
    process.stderr.write(`[loaded] ${url}\n`);
    return nextLoad(url, context);
  },
});
