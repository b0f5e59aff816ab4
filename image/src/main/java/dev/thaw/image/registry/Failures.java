package dev.thaw.image.registry;

import java.net.http.HttpResponse;

/** Turns an unexpected registry response into the matching exception. Stateless. */
final class Failures {
  private Failures() {}

  /**
   * The exception for {@code response} (whose body is read for the message and closed): 401/403
   * unauthorized, 404 manifest or blob not found, anything else a protocol error.
   */
  static RegistryException of(HttpResponse<?> response, String what, boolean manifest) {
    int status = response.statusCode();
    String detail = RegistryTransport.errorDetail(response);
    return switch (status) {
      case 401, 403 -> new RegistryUnauthorizedException(what + ": HTTP " + status + detail);
      case 404 ->
          manifest
              ? new ManifestNotFoundException(what + ": not found" + detail)
              : new BlobNotFoundException(what + ": not found" + detail);
      default -> new RegistryProtocolException(what + ": unexpected HTTP " + status + detail);
    };
  }
}
