#!/bin/sh
# Installed as /usr/local/bin/thaw-snapshotter by install.sh.
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
[ -x "$JAVA" ] || JAVA=java
exec "$JAVA" --enable-native-access=ALL-UNNAMED $JAVA_OPTS -jar /usr/local/lib/thaw/thaw-snapshotter.jar "$@"
