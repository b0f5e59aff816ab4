#!/usr/bin/env python3
"""many-files' entrypoint: stats every entry under a tree, reads 1% of its regular files in full
(every 100th in sorted walk order), and prints READY with the counts.

    python3 /app/walk.py [ROOT]        # default /data
"""
import os
import stat
import sys


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/data"
    if not os.path.isdir(root):
        print(f"walk: {root} is not a directory", file=sys.stderr, flush=True)
        sys.exit(1)
    entries = 0
    regular = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames) + dirnames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            entries += 1
            if stat.S_ISREG(st.st_mode):
                regular.append(path)
    read_bytes = 0
    chosen = regular[::100]
    for path in chosen:
        with open(path, "rb") as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                read_bytes += len(block)
    print(f"READY entries={entries} files={len(regular)} read={len(chosen)} bytes={read_bytes}",
          flush=True)


if __name__ == "__main__":
    main()
