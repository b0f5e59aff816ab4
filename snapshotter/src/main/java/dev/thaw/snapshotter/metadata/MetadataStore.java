package dev.thaw.snapshotter.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Snapshot metadata in one SQLite database file ({@code <root>/metadata.db}). Thread-safe: one
 * connection, transactions run one at a time, each committed or rolled back as a whole.
 *
 * <p>Every change goes through {@link #write}; a failure anywhere in the body rolls the whole
 * transaction back, so callers publish directories only after {@code write} returned.
 */
public final class MetadataStore implements AutoCloseable {

  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String COLUMNS =
      "id, key, parent, kind, created_at, updated_at, labels, remote, size, inodes";

  private final ObjectMapper json = new ObjectMapper();
  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final Path file;

  private MetadataStore(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /**
   * Opens (creating if needed) the database at {@code file}.
   *
   * @throws MetadataException if the database cannot be opened or its schema created
   */
  public static MetadataStore open(Path file) throws MetadataException {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute(
            "CREATE TABLE IF NOT EXISTS snapshots ("
                + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " key TEXT NOT NULL UNIQUE,"
                + " parent TEXT NOT NULL,"
                + " kind TEXT NOT NULL,"
                + " created_at TEXT NOT NULL,"
                + " updated_at TEXT NOT NULL,"
                + " labels TEXT NOT NULL,"
                + " remote INTEGER NOT NULL DEFAULT 0,"
                + " size INTEGER NOT NULL DEFAULT 0,"
                + " inodes INTEGER NOT NULL DEFAULT 0)");
        s.execute("CREATE INDEX IF NOT EXISTS snapshots_parent ON snapshots(parent)");
      }
      c.setAutoCommit(false);
      return new MetadataStore(c, file);
    } catch (SQLException e) {
      throw new MetadataException("open snapshot metadata " + file + ": " + e.getMessage(), e);
    }
  }

  /** A transaction body. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs inside the transaction. */
    T run(Transaction tx) throws IOException;
  }

  /**
   * Runs {@code body} in one transaction and commits it; any exception rolls it back and is
   * rethrown. Blocks while another transaction runs.
   */
  public <T> T write(Body<T> body) throws IOException {
    lock.lock();
    try {
      T result;
      try {
        result = body.run(new SqlTransaction());
        connection.commit();
      } catch (IOException | RuntimeException e) {
        rollback(e);
        throw e;
      } catch (SQLException e) {
        rollback(e);
        throw new MetadataException("commit snapshot metadata " + file + ": " + e.getMessage(), e);
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** Runs a read-only {@code body}; same isolation as {@link #write}. */
  public <T> T read(Body<T> body) throws IOException {
    return write(body);
  }

  private void rollback(Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void close() throws MetadataException {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new MetadataException("close snapshot metadata " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private final class SqlTransaction implements Transaction {

    @Override
    public Optional<SnapshotRecord> get(String key) throws IOException {
      try (PreparedStatement ps =
          connection.prepareStatement("SELECT " + COLUMNS + " FROM snapshots WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(toRecord(rs)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw failure("read snapshot " + key, e);
      }
    }

    @Override
    public SnapshotRecord insert(
        String key, String parent, Kind kind, Instant now, Map<String, String> labels)
        throws IOException {
      try (PreparedStatement ps =
          connection.prepareStatement(
              "INSERT INTO snapshots (key, parent, kind, created_at, updated_at, labels)"
                  + " VALUES (?, ?, ?, ?, ?, ?)",
              Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, key);
        ps.setString(2, parent);
        ps.setString(3, kind.name());
        ps.setString(4, now.toString());
        ps.setString(5, now.toString());
        ps.setString(6, toJson(labels));
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return new SnapshotRecord(
              keys.getLong(1), key, parent, kind, now, now, labels, false, 0, 0);
        }
      } catch (SQLException e) {
        throw failure("insert snapshot " + key, e);
      }
    }

    @Override
    public void update(SnapshotRecord r) throws IOException {
      try (PreparedStatement ps =
          connection.prepareStatement(
              "UPDATE snapshots SET key = ?, parent = ?, kind = ?, created_at = ?, updated_at = ?,"
                  + " labels = ?, remote = ?, size = ?, inodes = ? WHERE id = ?")) {
        ps.setString(1, r.key());
        ps.setString(2, r.parent());
        ps.setString(3, r.kind().name());
        ps.setString(4, r.createdAt().toString());
        ps.setString(5, r.updatedAt().toString());
        ps.setString(6, toJson(r.labels()));
        ps.setInt(7, r.remote() ? 1 : 0);
        ps.setLong(8, r.size());
        ps.setLong(9, r.inodes());
        ps.setLong(10, r.id());
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("update snapshot id " + r.id() + ": no such row");
        }
      } catch (SQLException e) {
        throw failure("update snapshot " + r.key(), e);
      }
    }

    @Override
    public boolean delete(String key) throws IOException {
      try (PreparedStatement ps =
          connection.prepareStatement("DELETE FROM snapshots WHERE key = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate() == 1;
      } catch (SQLException e) {
        throw failure("delete snapshot " + key, e);
      }
    }

    @Override
    public int childCount(String name) throws IOException {
      try (PreparedStatement ps =
          connection.prepareStatement("SELECT count(*) FROM snapshots WHERE parent = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      } catch (SQLException e) {
        throw failure("count children of snapshot " + name, e);
      }
    }

    @Override
    public List<SnapshotRecord> all() throws IOException {
      try (PreparedStatement ps =
              connection.prepareStatement("SELECT " + COLUMNS + " FROM snapshots ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        List<SnapshotRecord> out = new ArrayList<>();
        while (rs.next()) {
          out.add(toRecord(rs));
        }
        return out;
      } catch (SQLException e) {
        throw failure("list snapshots", e);
      }
    }

    private SnapshotRecord toRecord(ResultSet rs) throws SQLException, IOException {
      return new SnapshotRecord(
          rs.getLong("id"),
          rs.getString("key"),
          rs.getString("parent"),
          Kind.valueOf(rs.getString("kind")),
          Instant.parse(rs.getString("created_at")),
          Instant.parse(rs.getString("updated_at")),
          json.readValue(rs.getString("labels"), LABELS),
          rs.getInt("remote") != 0,
          rs.getLong("size"),
          rs.getLong("inodes"));
    }

    private String toJson(Map<String, String> labels) throws JsonProcessingException {
      return json.writeValueAsString(labels);
    }

    private MetadataException failure(String what, SQLException e) {
      return new MetadataException(what + " in " + file + ": " + e.getMessage(), e);
    }
  }
}
