package org.kclone.device;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.claim.Claims;
import org.kclone.device.image.ByteLimitedDevice;
import org.kclone.device.image.compress.CompressedImages;
import org.kclone.device.image.compress.Format;
import org.kclone.device.image.compress.ImageStreams;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;

/**
 * A plan's devices, open: the source read-only, the destinations for writing. Existing devices
 * and files are opened first; new image files are created last (sparse, at the size they need),
 * so a refusal to open leaves nothing behind. Closing closes everything.
 */
public final class OpenedPlan implements Closeable {

    private final CopyPlanner.Plan plan;
    private final BlockDevice source;
    private final List<BlockDevice> destinations;
    /** One writer per destination, held until everything is closed. */
    private Claims claims;
    /** The compressed and checksummed images among the devices (sidecars, stream failures). */
    private ImageStreams images = new ImageStreams(0);

    /** How the devices were opened: what opens them again during the run (a resumed map's checks). */
    private DeviceOpener opener = DeviceOpener.BY_PATH;

    /** What compressed or checksummed images of this plan know: a broken source, stored hashes. */
    public ImageStreams images() {
        return images;
    }

    private OpenedPlan(CopyPlanner.Plan plan, BlockDevice source, List<BlockDevice> destinations) {
        this.plan = plan;
        this.source = source;
        this.destinations = destinations;
    }

    /**
     * Opens every device of the plan.
     *
     * @throws RefusedException naming the argument that could not be opened (nothing was written)
     */
    public static OpenedPlan open(CopyPlanner.Plan plan) throws RefusedException {
        return open(plan, DeviceOpener.BY_PATH);
    }

    /**
     * Opens every device of the plan through {@code opener}. A new image file is created, then
     * opened, then sized (in that order, so an opener that checks what it opens checks it before
     * anything is done to it but its creation).
     *
     * @throws RefusedException naming the argument that could not be opened (nothing was written)
     */
    public static OpenedPlan open(CopyPlanner.Plan plan, DeviceOpener opener) throws RefusedException {
        List<Closeable> opened = new ArrayList<>();
        List<Path> created = new ArrayList<>();
        ImageStreams images = new ImageStreams(plan.destinations().size());
        // read (opened and closed) before the claim: closing a descriptor of the source would drop its fcntl lock
        boolean compressedSource = plan.source() != null && CompressedImages.isCompressedSource(plan.source());
        Claims claims = Claims.take(plan); // before anything is opened for writing
        opened.add(claims);
        try {
            BlockDevice source = null;
            if (plan.source() != null) {
                if (compressedSource) {
                    // one stream, opened (and opened again for a later pass) through what the opener pinned
                    DeviceOpener.Pinned at = pin(opener, plan.source());
                    opened.add(at);
                    source = images.openSource(plan.source(), at.path());
                    opened.add(source);
                } else {
                    source = openDevice(opener, plan.source(), false);
                    opened.add(source);
                    source = images.checked(plan.source(), source);
                }
                source = limitedToRegion(plan.source(), source);
            }
            BlockDevice[] dests = new BlockDevice[plan.destinations().size()];
            for (int i = 0; i < dests.length; i++) {
                Endpoint e = plan.destinations().get(i);
                if (e.kind() != Endpoint.Kind.NEW_IMAGE) {
                    dests[i] = openDevice(opener, e, true);
                    opened.add(dests[i]);
                    dests[i] = limitedToRegion(e, dests[i]);
                }
            }
            for (int i = 0; i < dests.length; i++) {
                Endpoint e = plan.destinations().get(i);
                long needed = e.endByte();
                if (e.kind() == Endpoint.Kind.NEW_IMAGE) {
                    try {
                        Files.createFile(e.path());
                    } catch (IOException ex) {
                        throw new RefusedException(e.field(), "cannot create " + e.path() + ": "
                                + whyNotCreated(e.path(), ex, created));
                    }
                    created.add(e.path());
                    java.util.Optional<Format> compressed = CompressedImages.newImageFormat(e);
                    if (compressed.isPresent()) { // written as one compressed stream: no size, no holes
                        claims.claimNewImage(e);
                        DeviceOpener.Pinned at = pin(opener, e); // (the helper hands the new file to its user here)
                        opened.add(at);
                        dests[i] = images.openDestination(i, e, compressed.get(), at.path());
                        opened.add(dests[i]);
                        dests[i] = limitedToRegion(e, dests[i]);
                        continue;
                    }
                    claims.claimNewImage(e);
                    dests[i] = new SparseImageDevice(openDevice(opener, e, true));
                    opened.add(dests[i]);
                    setLength(opener, e, needed);
                    dests[i] = limitedToRegion(e, dests[i]);
                } else if (e.kind() == Endpoint.Kind.IMAGE && e.sizeBytes() < needed) {
                    // the planner let a short image through only because --grow was given
                    setLength(opener, e, needed);
                }
            }
            OpenedPlan done = new OpenedPlan(plan, source, List.of(dests));
            done.claims = claims;
            done.images = images;
            done.opener = opener;
            return done;
        } catch (RefusedException e) {
            for (Closeable c : opened) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing after a refusal; the refusal is what matters
                }
            }
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: it was created empty a moment ago
                }
            }
            throw e;
        }
    }

    /**
     * A plan on devices opened elsewhere (tests: memory devices, devices that fail at given sectors).
     * No claims are held; closing closes the given devices.
     */
    static OpenedPlan of(CopyPlanner.Plan plan, BlockDevice source, List<BlockDevice> destinations) {
        return new OpenedPlan(plan, source, List.copyOf(destinations));
    }

    /**
     * An image file region whose last sector is partial: read past its end as zeros, writes
     * clipped at its end (the engine moves whole sectors).
     */
    private static BlockDevice limitedToRegion(Endpoint e, BlockDevice device) {
        return e.isFile() && e.endByte() % Sizes.SECTOR != 0 ? new ByteLimitedDevice(device, e.endByte()) : device;
    }

    private static void setLength(DeviceOpener opener, Endpoint e, long bytes) throws RefusedException {
        try {
            opener.setLength(e, bytes);
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot size " + e.path() + " to " + bytes + " bytes: " + reason(ex));
        }
    }

    private static BlockDevice openDevice(DeviceOpener opener, Endpoint e, boolean writable)
            throws RefusedException {
        try {
            return opener.open(e, writable);
        } catch (java.nio.file.AccessDeniedException ex) {
            throw new RefusedException(e.field(), "permission denied opening " + e.path()
                    + (writable ? " for writing" : "") + "; run kclone as root (sudo) or join the disk group");
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot open " + e.path() + ": " + reason(ex));
        }
    }

    /** Why a new image file could not be created: the exception of a refused create names only the path. */
    static String whyNotCreated(Path path, IOException e, List<Path> created) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            if (Files.isSymbolicLink(path) && !Files.exists(path)) {
                String target;
                try {
                    target = Files.readSymbolicLink(path).toString();
                } catch (IOException ex) {
                    target = "?";
                }
                return "it is a dangling symbolic link (to " + target + ", which does not exist); give the target's"
                        + " path, or remove the link";
            }
            for (Path c : created) {
                try {
                    if (Files.isSameFile(c, path)) {
                        return "it is created by an earlier destination of this run (" + c + "); a new image file can be"
                                + " written by one destination only";
                    }
                } catch (IOException ignored) {
                    // not the same file
                }
            }
            return "it already exists (created after the check?); run again to have it checked as an existing file";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "the folder " + path.toAbsolutePath().getParent() + " does not exist";
        }
        return reason(e);
    }

    private static DeviceOpener.Pinned pin(DeviceOpener opener, Endpoint e) throws RefusedException {
        try {
            return opener.pin(e);
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot open " + e.path() + ": " + reason(ex));
        }
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    public BlockDevice source() {
        return source;
    }

    /**
     * The opener these devices came from: anything the run opens again opens through it (the
     * helper's pins and checks what it opens). {@link DeviceOpener#BY_PATH} for devices given ({@link #of}).
     */
    public DeviceOpener opener() {
        return opener;
    }

    /**
     * Whether the source may be read again after the copy (to narrow a mismatch to its sectors):
     * not a compressed image, which is one stream (reading it again means decompressing it again
     * from its start), nor a device a test marks {@link org.kclone.device.verify.OneShot}.
     */
    public boolean sourceRereadable() {
        return images.stream() == null && !(source instanceof org.kclone.device.verify.OneShot);
    }

    public List<BlockDevice> destinations() {
        return destinations;
    }

    public IoRegion sourceRegion() {
        return new IoRegion(source, plan.source().start(), plan.source().count());
    }

    public List<IoRegion> destinationRegions() {
        List<IoRegion> out = new ArrayList<>();
        for (int i = 0; i < destinations.size(); i++) {
            Endpoint e = plan.destinations().get(i);
            out.add(new IoRegion(destinations.get(i), e.start(), e.count()));
        }
        return out;
    }

    public CopyPlanner.Plan plan() {
        return plan;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        List<BlockDevice> all = new ArrayList<>(destinations);
        if (source != null) {
            all.add(source);
        }
        for (BlockDevice d : all) {
            try {
                d.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (claims != null) {
            claims.close(); // after the last close: nobody else writes before this run is done
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * For a run that could not start: closes everything and removes the image files this plan
     * created (its new images), so nothing is left behind that looks like a finished copy.
     * Existing devices and files are only closed; nothing was written to them.
     */
    public void discard() {
        try {
            close();
        } catch (IOException ignored) {
            // nothing was written; what matters is that the new images go
        }
        for (Endpoint e : plan.destinations()) {
            if (e.kind() == Endpoint.Kind.NEW_IMAGE) {
                try {
                    Files.deleteIfExists(e.path());
                } catch (IOException ignored) {
                    // best effort: the run is refused either way
                }
            }
        }
    }
}
