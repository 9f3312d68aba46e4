// Job.java - "the job" with JCIFS 1.3 (Debian libjcifs-java), a pure Java
// SMB1 (NT LM 0.12) client with its own NTLMSSP code, for captures/record.sh.
//
//   java -cp /usr/share/java/jcifs.jar:DIR Job SERVER USER PASSWORD SHARE
//
// Run in a directory holding snapshot.jpg: upload it (SmbFileOutputStream),
// stat it (exists, length, lastModified, getAttributes), download it to
// snapshot.out (SmbFileInputStream), delete it (SmbFile.delete). JCIFS 1.3
// has no call to log off or disconnect: the connection stays open until the
// JVM exits (the driver exits right after the delete).
// Every step prints "STEP: ok ..." or "STEP: FAILED <exception>"; a failed
// step does not stop the run, the exit status is 0 unless the driver breaks.
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;

import jcifs.smb.NtlmPasswordAuthentication;
import jcifs.smb.SmbFile;
import jcifs.smb.SmbFileInputStream;
import jcifs.smb.SmbFileOutputStream;

public class Job {
    interface Step { String run() throws Exception; }

    static void step(String name, Step s) {
        try {
            String r = s.run();
            System.out.println(name + ": ok" + (r == null ? "" : " " + r));
        } catch (Exception e) {
            System.out.println(name + ": FAILED " + e);
        }
    }

    public static void main(String[] a) throws Exception {
        if (a.length != 4) {
            System.err.println("usage: Job SERVER USER PASSWORD SHARE");
            System.exit(2);
        }
        // no NetBIOS name queries or broadcasts: the server is an IP address
        jcifs.Config.setProperty("jcifs.resolveOrder", "DNS");
        NtlmPasswordAuthentication auth = new NtlmPasswordAuthentication("WORKGROUP", a[1], a[2]);
        final SmbFile f = new SmbFile("smb://" + a[0] + "/" + a[3] + "/snapshot.jpg", auth);
        final byte[] data = Files.readAllBytes(Paths.get("snapshot.jpg"));
        step("upload", () -> {
            try (OutputStream o = new SmbFileOutputStream(f)) {
                o.write(data);
            }
            return data.length + " bytes";
        });
        step("stat", () -> "exists=" + f.exists() + " size=" + f.length()
                + " mtime=" + f.lastModified() + " attributes=0x" + Integer.toHexString(f.getAttributes()));
        step("download", () -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (InputStream i = new SmbFileInputStream(f)) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = i.read(buf)) > 0) b.write(buf, 0, n);
            }
            Files.write(Paths.get("snapshot.out"), b.toByteArray());
            return b.size() + " bytes";
        });
        step("delete", () -> { f.delete(); return null; });
    }
}
