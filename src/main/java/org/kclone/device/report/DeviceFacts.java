package org.kclone.device.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Files;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;

/**
 * What the report says about one source or destination for an audit: {@code kind} is
 * {@code device} or {@code image}; {@code model} and {@code serial} as the kernel reports them
 * (null for an image file, or a device that has none, such as a loop device); {@code size} the whole
 * device's or file's size in bytes. {@code verified} (destinations only, else left out): true when
 * every byte of the region was read back past the page cache and compared with the source (its
 * {@code status} then says whether it was equal), false when it was not.
 */
@JsonPropertyOrder({"path", "kind", "model", "serial", "size", "verified"})
public record DeviceFacts(String path, String kind, String model, String serial, long size,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean verified) {

    /** The facts of an endpoint as they are now (a new image file's size after it was written). */
    public static DeviceFacts of(Endpoint e, Boolean verified) {
        DeviceInfo d = e.device();
        if (e.kind() == Endpoint.Kind.BLOCK) {
            return new DeviceFacts(e.path().toString(), "device", d != null ? trimmed(d.model()) : null,
                    d != null ? trimmed(d.serial()) : null, d != null && d.size() > 0 ? d.size() : e.sizeBytes(),
                    verified);
        }
        long size = e.sizeBytes();
        try {
            size = Files.size(e.path());
        } catch (IOException | RuntimeException gone) {
            // removed meanwhile: the size it had when the job was planned
        }
        return new DeviceFacts(e.path().toString(), "image", null, null, size, verified);
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
