/**
 * OCI image layout directories ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…}):
 * {@link dev.thaw.image.layout.OciLayout} and the {@link
 * dev.thaw.image.layout.OciLayoutImageSource} / {@link dev.thaw.image.layout.OciLayoutImageSink}
 * for {@code oci:DIR[:tag]} references. Files are published by temp file, verification and atomic
 * rename.
 */
package dev.thaw.image.layout;
