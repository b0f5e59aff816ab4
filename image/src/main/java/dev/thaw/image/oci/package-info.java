/**
 * The OCI image model: {@link dev.thaw.image.oci.Digest}, {@link dev.thaw.image.oci.Descriptor},
 * {@link dev.thaw.image.oci.Manifest} (OCI and Docker schema 2), {@link
 * dev.thaw.image.oci.ImageIndex} (OCI index and Docker manifest list, platform selection), {@link
 * dev.thaw.image.oci.ImageConfig} (diffIDs, history), {@link dev.thaw.image.oci.MediaTypes}, {@link
 * dev.thaw.image.oci.Platform}, and references ({@link dev.thaw.image.oci.ImageReference}: {@code
 * host/repo:tag}, {@code @sha256:…}, {@code oci:DIR[:tag]}).
 *
 * <p>Manifests, indexes and configs keep their exact bytes (digests are over them) and their raw
 * JSON tree: rewrites change only the fields they name. {@link dev.thaw.image.oci.ImageSource} and
 * {@link dev.thaw.image.oci.ImageSink} abstract over a registry ({@code dev.thaw.image.registry})
 * and an OCI layout ({@code dev.thaw.image.layout}); this package depends on neither (checked by
 * {@code ImagePackagesArchTest}).
 */
package dev.thaw.image.oci;
