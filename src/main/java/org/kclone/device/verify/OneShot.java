package org.kclone.device.verify;

/**
 * Marks a source device that can be read only once, front to back (a stream: a compressed image).
 * Verification after a copy from it reads the destinations alone and, for a range that differs,
 * names the whole digested MiB instead of narrowing it by reading the source again.
 */
public interface OneShot {
}
