package dev.thaw.snapshotter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads single-platform image manifests from a test registry over plain HTTP. Stateless. */
final class RegistryManifests {
  private RegistryManifests() {}

  /** The compressed sizes of the layers of {@code HOST/REPO:TAG}, in manifest order. */
  static List<Long> layerSizes(String ref) throws IOException, InterruptedException {
    String hostRepo = ref.substring(0, ref.lastIndexOf(':'));
    String tag = ref.substring(ref.lastIndexOf(':') + 1);
    String host = hostRepo.substring(0, hostRepo.indexOf('/'));
    String repo = hostRepo.substring(hostRepo.indexOf('/') + 1);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/manifests/" + tag))
            .header(
                "Accept",
                "application/vnd.oci.image.manifest.v1+json,"
                    + "application/vnd.docker.distribution.manifest.v2+json")
            .timeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("get manifest of " + ref + ": HTTP " + response.statusCode());
    }
    List<Long> sizes = new ArrayList<>();
    for (JsonNode layer : new ObjectMapper().readTree(response.body()).path("layers")) {
      sizes.add(layer.path("size").asLong());
    }
    if (sizes.isEmpty()) {
      throw new IOException("manifest of " + ref + " lists no layers: " + response.body());
    }
    return sizes;
  }
}
