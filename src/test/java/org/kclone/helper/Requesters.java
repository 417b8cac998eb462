package org.kclone.helper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Requesters for the helper's tests. */
final class Requesters {

    private Requesters() {
    }

    /** This test process as the user who asked the helper (its uid and gid, as /proc/self says). */
    static Requester thisProcess() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        return new Requester(uid, gid, Set.of(gid));
    }
}
