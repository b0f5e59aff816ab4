package dev.thaw.snapshotter.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Start-up access profiles in one SQLite file beside the snapshot metadata ({@code
 * <root>/profiles.db}; a file of its own so recording never waits on a snapshot transaction). One
 * row per image (when its window started) and one per image and file (first access, the layer it
 * was read from, bytes read). WAL mode and a busy timeout let {@code profile export} read while the
 * daemon writes.
 *
 * <p>Thread-safe: one connection, statements run one at a time; every write is one transaction.
 */
public final class ProfileStore implements AutoCloseable {
  /** The file name under the daemon's root. */
  public static final String FILE_NAME = "profiles.db";

  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final Path file;

  private ProfileStore(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /**
   * Opens (creating if needed) the store at {@code file}, for the daemon.
   *
   * @throws IOException if the database cannot be opened or its schema created
   */
  public static ProfileStore open(Path file) throws IOException {
    return open(file, true);
  }

  /**
   * Opens an existing store at {@code file} for reading while a daemon may write it.
   *
   * @throws IOException if there is no store at {@code file} or it cannot be opened
   */
  public static ProfileStore openExisting(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "open profiles "
              + file
              + ": no such file (is this the daemon's root, with [profile] enabled, and has a"
              + " container run on it?)");
    }
    return open(file, false);
  }

  private static ProfileStore open(Path file, boolean create) throws IOException {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        if (create) {
          s.execute("PRAGMA journal_mode=WAL");
          s.execute("PRAGMA synchronous=NORMAL");
          s.execute(
              "CREATE TABLE IF NOT EXISTS profile_images ("
                  + " image TEXT PRIMARY KEY,"
                  + " window_start_us INTEGER NOT NULL,"
                  + " window_us INTEGER NOT NULL DEFAULT 0)");
          addWindowLength(c);
          s.execute(
              "CREATE TABLE IF NOT EXISTS profile_files ("
                  + " image TEXT NOT NULL,"
                  + " path TEXT NOT NULL,"
                  + " first_access_us INTEGER NOT NULL,"
                  + " layer TEXT NOT NULL,"
                  + " bytes_read INTEGER NOT NULL DEFAULT 0,"
                  + " PRIMARY KEY (image, path))");
        }
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new ProfileStore(c, file);
    } catch (SQLException e) {
      throw new IOException("open profiles " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stores written before the window length was recorded lack its column: add it (0 = unknown). */
  private static void addWindowLength(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(profile_images)")) {
      while (rs.next()) {
        if (rs.getString("name").equals("window_us")) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE profile_images ADD COLUMN window_us INTEGER NOT NULL DEFAULT 0");
    }
  }

  /** When each recorded image's window started. */
  public Map<String, Instant> windowStarts() throws IOException {
    return locked(
        "read profile windows",
        () -> {
          Map<String, Instant> out = new HashMap<>();
          try (PreparedStatement ps =
                  connection.prepareStatement("SELECT image, window_start_us FROM profile_images");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), fromMicros(rs.getLong(2)));
            }
          }
          return out;
        });
  }

  /**
   * Writes one batch in one transaction: windows that started, each {@code window} long (kept if
   * already stored), first accesses (the earliest access of an image's path wins) and byte counts
   * (only ever raised).
   */
  public void write(
      Map<String, Instant> windows,
      Duration window,
      List<ProfiledFile> accesses,
      List<ProfiledFile> byteCounts)
      throws IOException {
    locked(
        "write profiles",
        () -> {
          connection.setAutoCommit(false);
          try {
            try (PreparedStatement ps =
                connection.prepareStatement(
                    "INSERT OR IGNORE INTO profile_images (image, window_start_us, window_us)"
                        + " VALUES (?, ?, ?)")) {
              for (Map.Entry<String, Instant> w : windows.entrySet()) {
                ps.setString(1, w.getKey());
                ps.setLong(2, toMicros(w.getValue()));
                ps.setLong(3, window.toNanos() / 1000);
                ps.addBatch();
              }
              ps.executeBatch();
            }
            try (PreparedStatement ps =
                connection.prepareStatement(
                    "INSERT INTO profile_files (image, path, first_access_us, layer, bytes_read)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (image, path) DO UPDATE SET"
                        + " first_access_us = excluded.first_access_us, layer = excluded.layer"
                        + " WHERE excluded.first_access_us < first_access_us")) {
              for (ProfiledFile f : accesses) {
                ps.setString(1, f.image());
                ps.setString(2, f.path());
                ps.setLong(3, toMicros(f.firstAccess()));
                ps.setString(4, f.layer());
                ps.setLong(5, f.bytesRead());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            try (PreparedStatement ps =
                connection.prepareStatement(
                    "UPDATE profile_files SET bytes_read = ? WHERE image = ? AND path = ?"
                        + " AND bytes_read < ?")) {
              for (ProfiledFile f : byteCounts) {
                ps.setLong(1, f.bytesRead());
                ps.setString(2, f.image());
                ps.setString(3, f.path());
                ps.setLong(4, f.bytesRead());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            connection.commit();
          } catch (SQLException | RuntimeException e) {
            try {
              connection.rollback();
            } catch (SQLException r) {
              e.addSuppressed(r);
            }
            throw e;
          } finally {
            connection.setAutoCommit(true);
          }
          return null;
        });
  }

  /** The image's recorded files, earliest first access first (ties in recording order). */
  public List<ProfiledFile> files(String image) throws IOException {
    return locked(
        "read profile of " + image,
        () -> {
          List<ProfiledFile> out = new ArrayList<>();
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT path, first_access_us, layer, bytes_read FROM profile_files"
                      + " WHERE image = ? ORDER BY first_access_us, rowid")) {
            ps.setString(1, image);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ProfiledFile(
                        image,
                        rs.getString(1),
                        fromMicros(rs.getLong(2)),
                        rs.getString(3),
                        rs.getLong(4)));
              }
            }
          }
          return out;
        });
  }

  /** Every image with a profile, by reference, with its window start and file count. */
  public List<ProfileSummary> images() throws IOException {
    return locked(
        "list profiles",
        () -> {
          List<ProfileSummary> out = new ArrayList<>();
          try (PreparedStatement ps =
                  connection.prepareStatement(
                      "SELECT i.image, i.window_start_us, i.window_us, count(f.path),"
                          + " coalesce(sum(f.bytes_read), 0)"
                          + " FROM profile_images i LEFT JOIN profile_files f ON f.image = i.image"
                          + " GROUP BY i.image ORDER BY i.image");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new ProfileSummary(
                      rs.getString(1),
                      fromMicros(rs.getLong(2)),
                      Duration.ofNanos(rs.getLong(3) * 1000),
                      rs.getInt(4),
                      rs.getLong(5)));
            }
          }
          return out;
        });
  }

  /** The summary of {@code image}'s profile, empty if it has none (its window never started). */
  public Optional<ProfileSummary> image(String image) throws IOException {
    return locked(
        "read profile of " + image,
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT i.window_start_us, i.window_us, count(f.path),"
                      + " coalesce(sum(f.bytes_read), 0)"
                      + " FROM profile_images i LEFT JOIN profile_files f ON f.image = i.image"
                      + " WHERE i.image = ? GROUP BY i.image")) {
            ps.setString(1, image);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new ProfileSummary(
                          image,
                          fromMicros(rs.getLong(1)),
                          Duration.ofNanos(rs.getLong(2) * 1000),
                          rs.getInt(3),
                          rs.getLong(4)))
                  : Optional.<ProfileSummary>empty();
            }
          }
        });
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IOException("close profiles " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private interface SqlBody<T> {
    T run() throws SQLException;
  }

  private <T> T locked(String what, SqlBody<T> body) throws IOException {
    lock.lock();
    try {
      return body.run();
    } catch (SQLException e) {
      throw new IOException(what + " in " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static long toMicros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant fromMicros(long us) {
    return Instant.EPOCH.plus(us, ChronoUnit.MICROS);
  }
}
