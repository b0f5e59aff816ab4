package dev.thaw.image.registry;

/**
 * A user name and password (or identity token) for one registry. Immutable; {@link #toString()}
 * never shows the password.
 *
 * @param username the user name; {@code <token>} with an identity token as password
 * @param password the password or token
 */
public record Credentials(String username, String password) {
  /** Validates. */
  public Credentials {
    if (username == null || password == null) {
      throw new IllegalArgumentException("credentials: username and password are required");
    }
  }

  @Override
  public String toString() {
    return "Credentials[" + username + ", ***]";
  }
}
