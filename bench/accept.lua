-- wrk script for bench/run: every request asks for a manifest with the Accept header a registry
-- client sends, naming the four manifest media types (Docker schema 2 manifest and manifest
-- list, OCI manifest and index). bench/run exports the header value as MANIFEST_ACCEPT.
wrk.headers["Accept"] = assert(os.getenv("MANIFEST_ACCEPT"), "MANIFEST_ACCEPT is not set (bench/run sets it)")
