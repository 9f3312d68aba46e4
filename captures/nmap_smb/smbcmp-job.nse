-- smbcmp-job.nse - "the job" with Nmap's own SMB1 client (nselib/smb.lua,
-- Nmap 7.93, Debian package nmap), for captures/record.sh.
--
--   nmap -n -Pn -sT -p445 --script ./smbcmp-job.nse \
--     --script-args smbusername=U,smbpassword=P,smbdomain=WORKGROUP,smbcmpshare=share 127.0.0.1
--
-- Run in a directory holding snapshot.jpg. Uses the library calls the
-- way Nmap's own scripts do: smb.file_upload (as smb-psexec), find_files
-- for the size and attributes (as smb-ls), smb.file_read with
-- file_create_disposition=1 (as smb-ls / smb-psexec), smb.file_delete.
-- Each of those calls opens its own TCP connection (negotiate, session
-- setup, tree connect ... tree disconnect, logoff); upload and download go
-- in 1024-byte WRITEs / READs. Prints one "STEP: ok"/"STEP: FAILED" line
-- per step; a failed step does not stop the others.
local smb = require "smb"
local stdnse = require "stdnse"

description = [[smbcmp capture driver: upload, stat, download, delete one file]]
author = "smbcmp"
license = "Same as Nmap--See https://nmap.org/book/man-legal.html"
categories = {"safe"}

hostrule = function(host) return true end

action = function(host)
  local out = {}
  local function say(s) out[#out + 1] = s end
  local share = stdnse.get_script_args("smbcmpshare") or "share"
  local _, fqpn = smb.get_fqpn(host, share)

  local st, err = smb.file_upload(host, "snapshot.jpg", fqpn, "\\snapshot.jpg")
  say("upload: " .. (st and "ok" or ("FAILED " .. tostring(err))))

  local ok, smbstate = smb.start_ex(host, true, true, fqpn, nil, nil, nil)
  if ok then
    local found = false
    for fe in smb.find_files(smbstate, "\\snapshot.jpg", {}) do
      found = true
      say(("stat: ok size=%s attrs=0x%x"):format(tostring(fe.eof), fe.attrs or 0))
    end
    if not found then say("stat: FAILED not found") end
    smb.stop(smbstate)
  else
    say("stat: FAILED " .. tostring(smbstate))
  end

  local rd
  st, rd = smb.file_read(host, fqpn, "\\snapshot.jpg", nil, {file_create_disposition = 1})
  if st then
    local f = io.open("snapshot.out", "wb")
    f:write(rd)
    f:close()
    say(("download: ok %d bytes"):format(#rd))
  else
    say("download: FAILED " .. tostring(rd))
  end

  st, err = smb.file_delete(host, fqpn, "\\snapshot.jpg")
  say("delete: " .. (st and "ok" or ("FAILED " .. tostring(err))))
  return table.concat(out, "\n")
end
