package dev.thaw.snapshotter.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * A one-image registry on a loopback port for the start-up warm-up: a tiny eStargz layer made on
 * the spot (one file {@link #FILE} holding {@link #CONTENT}, a symlink, {@link #TOC_ENTRIES} small
 * files), its config and its manifest, served with just enough of the distribution API for the
 * lazy-pull path ({@code GET/HEAD} of {@code /v2/}, the manifest by tag and digest, blobs with a
 * single-range {@code Range}; anything else is 404). Plain HTTP, no auth. {@link #close()} stops
 * the server.
 *
 * <p>Thread-safe: immutable after construction; the server answers on its own threads.
 */
final class WarmUpRegistry implements AutoCloseable {
  /** The image's repository and tag. */
  static final String REPOSITORY = "thaw/warm-up";

  static final String TAG = "latest";

  /** The layer's regular file, and its content. */
  static final String FILE = "etc/thaw-warm-up";

  static final String CONTENT = "thaw warm-up\n";

  /**
   * Regular files under {@code usr/share/thaw-warm-up/} (a quarter non-empty): enough TOC entries
   * for the JIT to compile the TOC parsing and indexing, a fraction of a Debian layer's.
   */
  static final int TOC_ENTRIES = 2000;

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  private final byte[] layer;
  private final WrittenLayer written;
  private final byte[] config;
  private final byte[] manifest;
  private final Digest manifestDigest;
  private final HttpServer server;
  private final ExecutorService executor;

  private WarmUpRegistry(byte[] layer, WrittenLayer written, HttpServer server) {
    this.layer = layer;
    this.written = written;
    this.config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + written.diffId()
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    this.manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\""
                + Digest.sha256(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP
                + "\",\"digest\":\""
                + written.blobDigest()
                + "\",\"size\":"
                + written.blobSize()
                + ",\"annotations\":{\""
                + EstargzWriter.TOC_DIGEST_ANNOTATION
                + "\":\""
                + written.tocDigest()
                + "\"}}]}")
            .getBytes(StandardCharsets.UTF_8);
    this.manifestDigest = Digest.sha256(manifest);
    this.server = server;
    this.executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory());
    server.setExecutor(executor);
    server.createContext("/v2/", this::handle);
    server.start();
  }

  /**
   * Builds the layer and starts serving it on {@code 127.0.0.1}, on a free port.
   *
   * @throws IOException if the layer cannot be written or the port cannot be bound
   */
  static WarmUpRegistry start() throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry dir = new TarArchiveEntry("etc/");
      dir.setMode(040755);
      dir.setModTime(0);
      out.putArchiveEntry(dir);
      out.closeArchiveEntry();
      byte[] content = CONTENT.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry(FILE);
      file.setMode(0100644);
      file.setSize(content.length);
      file.setModTime(0);
      out.putArchiveEntry(file);
      out.write(content);
      out.closeArchiveEntry();
      // Enough entries that the TOC reader's and index builder's per-entry code gets compiled.
      TarArchiveEntry many = new TarArchiveEntry("usr/share/thaw-warm-up/");
      many.setMode(040755);
      many.setModTime(0);
      out.putArchiveEntry(many);
      out.closeArchiveEntry();
      for (int i = 0; i < TOC_ENTRIES; i++) {
        byte[] small =
            (i % 4 == 0) ? Integer.toString(i).getBytes(StandardCharsets.UTF_8) : new byte[0];
        TarArchiveEntry f = new TarArchiveEntry(String.format("usr/share/thaw-warm-up/f%05d", i));
        f.setMode(0100644);
        f.setSize(small.length);
        f.setModTime(0);
        out.putArchiveEntry(f);
        out.write(small);
        out.closeArchiveEntry();
      }
      TarArchiveEntry link =
          new TarArchiveEntry("etc/thaw-warm-up.link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("thaw-warm-up");
      link.setModTime(0);
      out.putArchiveEntry(link);
      out.closeArchiveEntry();
    }
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    WrittenLayer written =
        new EstargzWriter(WriterOptions.defaults(1))
            .write(new SeekableInMemoryByteChannel(tar.toByteArray()), blob, "warm-up layer");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    return new WarmUpRegistry(blob.toByteArray(), written, server);
  }

  /** {@code 127.0.0.1:PORT}, for the client's insecure (plain HTTP) registries. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The image, by tag. */
  RegistryReference image() {
    return RegistryReference.parse(host() + "/" + REPOSITORY + ":" + TAG);
  }

  /** The layer blob's digest. */
  Digest layerDigest() {
    return written.blobDigest();
  }

  /** The layer's TOC digest (its annotation). */
  Digest tocDigest() {
    return written.tocDigest();
  }

  /** The labels containerd's CRI plugin would pass on the Prepare of the layer. */
  Map<String, String> prepareLabels() {
    return Map.of(
        RemoteLabels.SNAPSHOT_REF, "thaw-warm-up",
        RemoteLabels.IMAGE_REF, image().toString(),
        RemoteLabels.LAYER_DIGEST, layerDigest().toString(),
        RemoteLabels.TOC_DIGEST, tocDigest().toString());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String prefix = "/v2/" + REPOSITORY;
      boolean head = ex.getRequestMethod().equals("HEAD");
      if (!head && !ex.getRequestMethod().equals("GET")) {
        ex.sendResponseHeaders(405, -1);
      } else if (path.equals("/v2/")) {
        send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
      } else if (path.equals(prefix + "/manifests/" + TAG)
          || path.equals(prefix + "/manifests/" + manifestDigest)) {
        ex.getResponseHeaders().set("Docker-Content-Digest", manifestDigest.toString());
        send(ex, 200, MediaTypes.OCI_MANIFEST, manifest, head);
      } else if (path.equals(prefix + "/blobs/" + Digest.sha256(config))) {
        send(ex, 200, "application/octet-stream", config, head);
      } else if (path.equals(prefix + "/blobs/" + written.blobDigest())) {
        sendBlob(ex, head);
      } else {
        send(ex, 404, "application/json", "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8), head);
      }
    }
  }

  private void sendBlob(HttpExchange ex, boolean head) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m == null || !m.matches()) {
      send(ex, 200, "application/octet-stream", layer, head);
      return;
    }
    long from = Long.parseLong(m.group(1));
    long to = Math.min(Long.parseLong(m.group(2)), layer.length - 1L);
    if (from > to) {
      ex.getResponseHeaders().set("Content-Range", "bytes */" + layer.length);
      ex.sendResponseHeaders(416, -1);
      return;
    }
    byte[] part = java.util.Arrays.copyOfRange(layer, (int) from, (int) to + 1);
    ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + layer.length);
    send(ex, 206, "application/octet-stream", part, head);
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body, boolean head)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (head) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
