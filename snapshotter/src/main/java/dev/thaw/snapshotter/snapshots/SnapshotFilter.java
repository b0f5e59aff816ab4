package dev.thaw.snapshotter.snapshots;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One containerd filter expression over snapshots, e.g. {@code kind==committed,
 * labels."containerd.io/snapshot.ref"}. Immutable.
 *
 * <p>Grammar (containerd's {@code filters} package): selectors separated by {@code ,} must all
 * match; a selector is a field path ({@code name}, {@code parent}, {@code kind}, {@code
 * labels.KEY}; parts may be double-quoted) optionally followed by {@code ==}, {@code !=} or {@code
 * ~=} (regular expression) and a value (double-quoted or bare). A path alone tests presence. A
 * field that is absent matches no operator.
 */
final class SnapshotFilter {

  private enum Op {
    PRESENT,
    EQUAL,
    NOT_EQUAL,
    MATCHES
  }

  private record Selector(List<String> path, Op op, String value, Pattern pattern) {}

  private final List<Selector> selectors;

  private SnapshotFilter(List<Selector> selectors) {
    this.selectors = List.copyOf(selectors);
  }

  /**
   * Parses one filter expression.
   *
   * @throws InvalidSnapshotArgumentException naming the expression and the position
   */
  static SnapshotFilter parse(String expression) throws InvalidSnapshotArgumentException {
    return new Parser(expression).parse();
  }

  /** Whether every selector matches {@code info}. */
  boolean matches(SnapshotInfo info) {
    for (Selector s : selectors) {
      Optional<String> field = field(info, s.path());
      if (field.isEmpty()) {
        return false;
      }
      String v = field.get();
      boolean ok =
          switch (s.op()) {
            case PRESENT -> true;
            case EQUAL -> v.equals(s.value());
            case NOT_EQUAL -> !v.equals(s.value());
            case MATCHES -> s.pattern().matcher(v).find();
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> field(SnapshotInfo info, List<String> path) {
    String head = path.get(0);
    if (path.size() == 1) {
      return switch (head) {
        case "name" -> Optional.of(info.name());
        case "parent" -> Optional.of(info.parent());
        case "kind" -> Optional.of(info.kind().name().toLowerCase(java.util.Locale.ROOT));
        default -> Optional.empty();
      };
    }
    if (head.equals("labels")) {
      return Optional.ofNullable(info.labels().get(String.join(".", path.subList(1, path.size()))));
    }
    return Optional.empty();
  }

  /** Recursive-descent parser over one expression. Confined to one thread. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    SnapshotFilter parse() throws InvalidSnapshotArgumentException {
      List<Selector> out = new ArrayList<>();
      do {
        out.add(selector());
        skipSpace();
      } while (consume(","));
      if (pos != s.length()) {
        throw error("unexpected '" + s.charAt(pos) + "'");
      }
      return new SnapshotFilter(out);
    }

    private Selector selector() throws InvalidSnapshotArgumentException {
      List<String> path = new ArrayList<>();
      do {
        skipSpace();
        path.add(pos < s.length() && s.charAt(pos) == '"' ? quoted() : word());
      } while (consume("."));
      skipSpace();
      Op op;
      if (consume("==")) {
        op = Op.EQUAL;
      } else if (consume("!=")) {
        op = Op.NOT_EQUAL;
      } else if (consume("~=")) {
        op = Op.MATCHES;
      } else {
        return new Selector(path, Op.PRESENT, "", null);
      }
      skipSpace();
      String value = pos < s.length() && s.charAt(pos) == '"' ? quoted() : bare();
      Pattern pattern = null;
      if (op == Op.MATCHES) {
        try {
          pattern = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw error("bad regular expression " + value + ": " + e.getDescription());
        }
      }
      return new Selector(path, op, value, pattern);
    }

    private String word() throws InvalidSnapshotArgumentException {
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a field name");
      }
      return s.substring(start, pos);
    }

    private String bare() throws InvalidSnapshotArgumentException {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != ',' && !Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a value");
      }
      return s.substring(start, pos);
    }

    private String quoted() throws InvalidSnapshotArgumentException {
      StringBuilder out = new StringBuilder();
      pos++; // opening quote
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && pos < s.length()) {
          char e = s.charAt(pos++);
          out.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                default -> e;
              });
        } else {
          out.append(c);
        }
      }
      throw error("unterminated quoted string");
    }

    private boolean consume(String token) {
      if (s.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private InvalidSnapshotArgumentException error(String what) {
      return new InvalidSnapshotArgumentException(
          "parse snapshot filter \"" + s + "\" at " + pos + ": " + what);
    }
  }
}
