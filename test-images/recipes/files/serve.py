#!/usr/bin/env python3
"""python-ml's entrypoint: what an inference server does before it can answer.

Imports numpy, reads the safetensors header of the model (8-byte little-endian length + JSON),
then every tensor's bytes in data-offset order through numpy, and prints READY with the tensor
count and byte count. Exits 1 with a message naming the file on a malformed or short model.

    python3 /app/serve.py [MODEL]      # default /models/model.safetensors
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F16": np.float16, "BF16": np.uint16, "F32": np.float32, "F64": np.float64,
          "I8": np.int8, "U8": np.uint8, "I32": np.int32, "I64": np.int64}
BUFFER = 8 << 20


def fail(message):
    print(f"serve: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def main():
    model = sys.argv[1] if len(sys.argv) > 1 else "/models/model.safetensors"
    with open(model, "rb", buffering=0) as f:
        raw = f.read(8)
        if len(raw) != 8:
            fail(f"{model}: shorter than the 8-byte header length")
        (length,) = struct.unpack("<Q", raw)
        try:
            header = json.loads(f.read(length))
        except ValueError as e:
            fail(f"{model}: header of {length} bytes is not JSON: {e}")
        base = 8 + length
        tensors = sorted(((name, t) for name, t in header.items() if name != "__metadata__"),
                         key=lambda item: item[1]["data_offsets"][0])
        buf = bytearray(BUFFER)
        view = memoryview(buf)
        total = 0
        touched = 0.0
        for name, t in tensors:
            dtype = DTYPES.get(t["dtype"])
            if dtype is None:
                fail(f"{model}: tensor {name} has unsupported dtype {t['dtype']}")
            start, end = t["data_offsets"]
            f.seek(base + start)
            left = end - start
            while left > 0:
                n = f.readinto(view[:min(left, BUFFER)])
                if not n:
                    fail(f"{model}: tensor {name} ends {left} bytes early (at {base + end - left})")
                usable = n - n % np.dtype(dtype).itemsize
                # A strided sample keeps the CPU cost small next to the I/O being measured.
                touched += float(np.frombuffer(view[:usable], dtype=dtype)[::4096].astype(np.float64).sum())
                left -= n
                total += n
    print(f"READY tensors={len(tensors)} bytes={total}", flush=True)


if __name__ == "__main__":
    main()
