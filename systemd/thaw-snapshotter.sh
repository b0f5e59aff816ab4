#!/bin/sh
# Installed as /usr/local/bin/thaw-snapshotter by install.sh.
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
[ -x "$JAVA" ] || JAVA=java
# `pull` and `profile` are clients that live a few seconds: C1 alone and the serial collector start
# faster.
CLIENT_OPTS=
case "${1:-}" in pull | profile) CLIENT_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ;; esac
# Few glibc malloc arenas: libfuse starts many native threads, each would get an arena of its own.
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_ARENA_MAX
# Class Data Sharing: one dynamic AppCDS archive per subcommand in /var/cache/thaw, written at the
# first exit and rewritten when the jar changes; later starts map the classes instead of loading
# them (daemon start to "serving" measured 8.8-10 s -> 3.2-5.2 s on a loaded host). THAW_CDS=0 off.
CDS_OPTS=
case "${1:-}" in
  serve | pull | profile | mount)
    if [ "${THAW_CDS:-1}" != 0 ] && [ -d /var/cache/thaw ] && [ -w /var/cache/thaw ]; then
      CDS_OPTS="-XX:SharedArchiveFile=/var/cache/thaw/thaw-snapshotter-$1.jsa"
      CDS_OPTS="$CDS_OPTS -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off"
    fi
    ;;
esac
# JVM flags (heap, GC, HTTP buffer size) from the installed argument file; the client flags and
# JAVA_OPTS override.
exec "$JAVA" @/usr/local/lib/thaw/thaw-snapshotter.jvm-options $CDS_OPTS $CLIENT_OPTS $JAVA_OPTS \
  -jar /usr/local/lib/thaw/thaw-snapshotter.jar "$@"
