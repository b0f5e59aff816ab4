/**
 * Pass-through input streams that observe what is read: {@link
 * dev.thaw.image.io.DigestingInputStream} (counts, sha256, progress; the base of the registry's and
 * the layout's end-of-stream digest checks) and {@link dev.thaw.image.io.TeeInputStream} (copies to
 * an output stream or a file). Both build on {@link dev.thaw.image.io.ObservingInputStream}.
 */
package dev.thaw.image.io;
