/**
 * The OCI distribution (v2) client: {@link dev.thaw.image.registry.RegistryClient} (resolve and
 * fetch manifests, push blobs and manifests, mirrors), {@link
 * dev.thaw.image.registry.RegistryBlobSource} (Range and multi-range reads, redirect reuse),
 * credentials ({@link dev.thaw.image.registry.DockerConfigCredentials}), {@link
 * dev.thaw.image.registry.RetryPolicy}, and the checked exceptions rooted at {@link
 * dev.thaw.image.registry.RegistryException}.
 *
 * <p>Tests: {@code *Test} use an in-process fault-injecting HTTP server ({@code FakeHttpServer});
 * {@code *IT} run against a real {@code /usr/bin/docker-registry} (Debian package {@code
 * docker-registry}) started by {@code RegistryExtension}: {@code mvn -pl image -am verify
 * -Dit.test='RegistryClient*IT'}.
 */
package dev.thaw.image.registry;
