-- wrk script for bench/run: every request asks for a manifest with the Accept header a registry
-- client sends, naming the four manifest media types (Docker schema 2 manifest and manifest
-- list, OCI manifest and index).
wrk.headers["Accept"] = table.concat({
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
}, ", ")
