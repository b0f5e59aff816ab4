#!/bin/sh
# Installed as /usr/local/bin/thaw-snapshotter by install.sh.
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
[ -x "$JAVA" ] || JAVA=java
# `pull` is a client that lives a few seconds: C1 alone and the serial collector start faster.
CLIENT_OPTS=
[ "${1:-}" = pull ] && CLIENT_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
exec "$JAVA" --enable-native-access=ALL-UNNAMED $CLIENT_OPTS $JAVA_OPTS -jar /usr/local/lib/thaw/thaw-snapshotter.jar "$@"
