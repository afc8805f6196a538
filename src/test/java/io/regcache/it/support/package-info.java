/**
 * Integration-test harness: real upstream registries and clients on 127.0.0.1.
 *
 * <pre>{@code
 * RequiredTools.require("docker-registry", "skopeo");          // skip locally, fail on CI
 * try (TokenServer tokens = TokenServer.start();
 *      UpstreamRegistry upstream = UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens));
 *      Skopeo skopeo = new Skopeo();
 *      ImageSeeder seeder = new ImageSeeder(upstream, skopeo)) {
 *     SeededImage img = seeder.seed(ImageKind.OCI_INDEX, "library/app", "1.0", 512 * 1024);
 *     upstream.clearRequests();
 *     // ... pull img through the cache ...
 *     assertEquals(1, upstream.requests("GET", "/v2/library/app/blobs/" + img.blobs().get(0).digest()).size());
 * }
 * }</pre>
 *
 * <p>Every component owns a temp dir (config, storage, child-process log) that {@code close()}
 * deletes; startup failures carry the tail of the child's log. See {@code HarnessSelfIT}.
 */
package io.regcache.it.support;
