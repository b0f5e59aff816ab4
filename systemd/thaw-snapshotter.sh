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
# JVM flags (heap, GC, HTTP buffer size) from the installed argument file; the client flags and
# JAVA_OPTS override.
exec "$JAVA" @/usr/local/lib/thaw/thaw-snapshotter.jvm-options $CLIENT_OPTS $JAVA_OPTS \
  -jar /usr/local/lib/thaw/thaw-snapshotter.jar "$@"
