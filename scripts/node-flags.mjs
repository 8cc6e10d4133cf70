// The Node.js flags Embargo's processes run with, wherever they are started from JavaScript (the test
// helpers, the benches); bin/embargo, package.json's start script and docs/deploy/*.service spell the
// same flags out. Measured in docs/performance.md ("Memory"):
//   --enable-source-maps       stack traces in logs name the TypeScript lines
//   --max-semi-space-size=8    V8's young generation capped at 8 MB a half (16 MB by default on 64-bit):
//                              on PostgreSQL, RSS 175 MB after start and 345 MB after the bench's load
//                              instead of 217 and 459, for 3 % more CPU per submission
export const NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=8'];
