// job.js - "the job" with @awo00/smb2 (npm; a fork of ardean's TypeScript
// "smb2" / node-smb2, an SMB2 client written from scratch, NTLM code from
// node-http-ntlm), for captures/record.sh.
//
//   node job.js SERVER USER PASSWORD SHARE
//
// Run in a directory holding snapshot.jpg: connect, log on, connect the tree,
// upload it (createFile), stat it (exists, then open to read the size the
// CREATE response gives), download it to snapshot.out (readFile), delete it
// (removeFile), disconnect the tree, close the client.
// Every step prints "STEP: ok ..." or "STEP: FAILED <message>"; a failed
// step does not stop the run (what the client does is recorded as it
// happens), the exit status is 0 unless the script itself breaks.
'use strict';
const fs = require('fs');
const smb2 = require('@awo00/smb2').default;
// File is not exported by the package index; stat needs it
const File = require('@awo00/smb2/dist/client/File').default;

const [server, user, pass, share] = process.argv.slice(2);
if (!share) {
  console.error('usage: node job.js SERVER USER PASSWORD SHARE');
  process.exit(2);
}

async function step(name, fn) {
  try {
    const r = await fn();
    console.log(`${name}: ok${r === undefined || typeof r === 'object' ? '' : ' ' + r}`);
    return r;
  } catch (e) {
    console.log(`${name}: FAILED ${e && e.message ? e.message : JSON.stringify(e && e.header || e)}`);
    return undefined;
  }
}

(async () => {
  const client = new smb2.Client(server);
  const session = await step('logon', () => client.authenticate({ domain: 'WORKGROUP', username: user, password: pass }));
  const tree = session && await step('tree', () => session.connectTree(share));
  if (tree) {
    const data = fs.readFileSync('snapshot.jpg');
    await step('upload', () => tree.createFile('snapshot.jpg', data));
    await step('stat', async () => {
      const ex = await tree.exists('snapshot.jpg');
      const f = new File(tree);
      await f.open('snapshot.jpg');
      const size = f.fileSize;
      await f.close();
      return `exists=${ex} size=${size}`;
    });
    await step('download', async () => {
      const got = await tree.readFile('snapshot.jpg');
      fs.writeFileSync('snapshot.out', got);
      return `${got.length} bytes`;
    });
    await step('delete', () => tree.removeFile('snapshot.jpg'));
    await step('tree disconnect', () => tree.disconnect());
  }
  if (session) await step('logoff', () => session.logoff ? session.logoff() : undefined);
  await step('close', () => client.close());
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
