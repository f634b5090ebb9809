"""Reads and writes safetensors files with the standard library and torch alone (no `safetensors` package).

The layout: an 8-byte little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and
[begin, end) byte range in the data that follows, plus an optional "__metadata__" map of strings. Descent writes
float32 only, so F32 is all this reads and writes; the metadata (Descent's model description: arch, input_shape,
classes, ...) is returned and written back unchanged, so a file survives the trip through PyTorch.
"""

import array
import json
import os
import struct
import sys

import torch

METADATA = "__metadata__"


def _little_endian_only():
    # frombuffer and array use the machine's byte order; the file's is little-endian.
    if sys.byteorder != "little":
        raise RuntimeError("safetensors_io: this reader and writer run on little-endian machines only")


def load(path):
    """Returns ({name: float32 tensor}, {metadata key: value}), tensors in the file's order."""
    _little_endian_only()
    with open(path, "rb") as f:
        raw = bytearray(f.read())  # writable, so torch.frombuffer shares it without a warning
    if len(raw) < 8:
        raise ValueError(f"{path}: {len(raw)} bytes is too short for a safetensors header length")
    (size,) = struct.unpack("<Q", raw[:8])
    if 8 + size > len(raw):
        raise ValueError(f"{path}: header length {size} runs past the end of the file ({len(raw)} bytes)")
    header = json.loads(raw[8:8 + size].decode("utf-8"))
    metadata = header.pop(METADATA, {}) or {}
    data = 8 + size
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry['dtype']}; only F32 is read")
        begin, end = entry["data_offsets"]
        shape = entry["shape"]
        count = 1
        for d in shape:
            count *= d
        if end - begin != 4 * count or data + end > len(raw):
            raise ValueError(f"{path}: tensor '{name}' of shape {shape} needs {4 * count} bytes at offsets [{begin}, {end})")
        flat = torch.frombuffer(raw, dtype=torch.float32, count=count, offset=data + begin) if count else torch.empty(0)
        tensors[name] = flat.reshape(shape).clone()
    return tensors, metadata


def save(path, tensors, metadata=None):
    """Writes float32 tensors in the given order, with string metadata, as Descent's reader expects."""
    _little_endian_only()
    header = {}
    if metadata:
        header[METADATA] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().to(torch.float32).contiguous().cpu()
        values = array.array("f", t.reshape(-1).tolist())  # float32 → Python float → float32 is exact
        blob = values.tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header so the data starts 8-byte aligned
    temp = path + ".tmp"
    with open(temp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(temp, path)  # atomic, as Descent's own writes: a reader never sees half a file
