// job.js - "the job" with @marsaud/smb2 (npm; a fork of bchelli's node-smb2,
// pure JavaScript SMB 2.0.2/2.1 client with its own NTLM code), for
// captures/record.sh.
//
//   node job.js SERVER USER PASSWORD SHARE
//
// Run in a directory holding snapshot.jpg: upload it (writeFile), stat it,
// download it to snapshot.out (readFile), delete it (unlink), disconnect.
// Every step prints "STEP: ok ..." or "STEP: FAILED <code> <message>"; a
// failed step does not stop the run (what the client does is recorded as it
// happens), the exit status is 0 unless the script itself breaks.
'use strict';
const fs = require('fs');
const SMB2 = require('@marsaud/smb2');

const [server, user, pass, share] = process.argv.slice(2);
if (!share) {
  console.error('usage: node job.js SERVER USER PASSWORD SHARE');
  process.exit(2);
}

async function step(name, fn) {
  try {
    const r = await fn();
    console.log(`${name}: ok${r === undefined ? '' : ' ' + r}`);
    return r;
  } catch (e) {
    console.log(`${name}: FAILED ${e.code || ''} ${e.message}`);
    return undefined;
  }
}

(async () => {
  const client = new SMB2({
    share: `\\\\${server}\\${share}`,
    domain: 'WORKGROUP',
    username: user,
    password: pass,
    autoCloseTimeout: 0, // we disconnect ourselves
  });
  const data = fs.readFileSync('snapshot.jpg');
  await step('upload', () => client.writeFile('snapshot.jpg', data));
  await step('stat', async () => {
    const st = await client.stat('snapshot.jpg');
    return `size=${st.size} mtime=${st.mtime && st.mtime.toISOString()}`;
  });
  await step('download', async () => {
    const got = await client.readFile('snapshot.jpg');
    fs.writeFileSync('snapshot.out', got);
    return `${got.length} bytes`;
  });
  await step('delete', () => client.unlink('snapshot.jpg'));
  await step('disconnect', () => client.disconnect());
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
