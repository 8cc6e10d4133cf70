/**
 * Runs before the test files (`npm test`): checks every real peer the suite
 * needs and stops the run at once, naming what is missing and why, instead of
 * letting dozens of files fail one by one or skip quietly.
 */
import { allowedToSkip, PEER_INSTALL_HINTS, PEERS, peerProblem } from './helpers/peers.ts';

const skip = allowedToSkip();
let failed = false;
for (const peer of PEERS) {
  const problem = await peerProblem(peer);
  if (!problem) {
    console.log(`peer ${peer}: ok`);
  } else if (skip.has(peer)) {
    console.warn(`peer ${peer}: MISSING, allowed by EMBARGO_TEST_SKIP (${problem}); its tests will be skipped`);
  } else {
    console.error(`peer ${peer}: MISSING (${problem}). Install it: ${PEER_INSTALL_HINTS[peer]}; or set EMBARGO_TEST_SKIP=${peer}.`);
    failed = true;
  }
}
if (failed) process.exit(1);
