#!/usr/bin/env python3
"""Generate single-layer test images as OCI image layouts, for bench/run to push with skopeo.

    mkimages.py OUTDIR NAME:TAG=BYTES [NAME:TAG=BYTES ...]

For every NAME:TAG this writes the OCI image layout OUTDIR/NAME_TAG/ (oci-layout, index.json
naming TAG, blobs/sha256/) holding an image whose only layer is a tar.gz with one file of BYTES
pseudo-random bytes. The bytes are incompressible, so the layer blob is as large as the file (a
few KiB more). The data is streamed in 1 MiB chunks: memory use does not depend on BYTES. The
content is seeded by NAME:TAG, so the same arguments give the same digests on every run.

The deflate stream uses stored blocks (level 0): random bytes do not compress anyway, and level
1 would only make generation ~10x slower (about 60 MB/s) for the same wire size.

Prints one line per image on stdout: NAME:TAG LAYER_DIGEST LAYER_SIZE MANIFEST_DIGEST.
"""
import hashlib
import json
import os
import random
import sys
import tarfile
import zlib

CHUNK = 1 << 20
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


class HashingFile:
    """A file opened for writing that also computes the sha256 and size of what is written."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)

    def close(self):
        self.file.close()


def write_blob(blobs, data):
    """Store bytes as a content-addressed blob; return its descriptor fields."""
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def write_layer(blobs, name, nbytes):
    """Stream a tar.gz with one file of nbytes random bytes; return (descriptor, diff_id)."""
    rng = random.Random("regcache-bench/" + name)
    tmp = os.path.join(blobs, "layer.tmp")
    out = HashingFile(tmp)
    gz = zlib.compressobj(0, zlib.DEFLATED, 31)  # wbits 31: gzip container
    diff = hashlib.sha256()

    def emit(data):
        diff.update(data)
        out.write(gz.compress(data))

    info = tarfile.TarInfo("data.bin")
    info.size = nbytes
    info.mode = 0o644
    info.mtime = 0
    emit(info.tobuf(format=tarfile.PAX_FORMAT))
    left = nbytes
    while left > 0:
        n = min(CHUNK, left)
        emit(rng.randbytes(n))
        left -= n
    emit(b"\0" * (-nbytes % 512))  # pad the member to a whole block
    emit(b"\0" * 1024)             # end-of-archive marker
    out.write(gz.flush())
    out.close()
    digest = out.sha.hexdigest()
    os.replace(tmp, os.path.join(blobs, digest))
    return {"mediaType": OCI_LAYER_GZIP, "digest": "sha256:" + digest, "size": out.size}, \
        "sha256:" + diff.hexdigest()


def write_image(outdir, name, nbytes):
    tag = name.partition(":")[2] or "latest"
    root = os.path.join(outdir, name.replace(":", "_"))
    blobs = os.path.join(root, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    layer, diff_id = write_layer(blobs, name, nbytes)
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }, separators=(",", ":")).encode()
    config_desc = dict(mediaType=OCI_CONFIG, **write_blob(blobs, config))
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config_desc,
        "layers": [layer],
    }, separators=(",", ":")).encode()
    manifest_desc = dict(mediaType=OCI_MANIFEST, **write_blob(blobs, manifest))
    manifest_desc["annotations"] = {"org.opencontainers.image.ref.name": tag}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [manifest_desc]}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(name, layer["digest"], layer["size"], manifest_desc["digest"], flush=True)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    for spec in argv[1:]:
        name, _, size = spec.rpartition("=")
        write_image(argv[0], name, int(size))


if __name__ == "__main__":
    main(sys.argv[1:])
