package io.regcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve("home");
    }

    private Properties props(Path configFile) {
        Properties p = new Properties();
        p.setProperty("user.home", home().toString());
        if (configFile != null) {
            p.setProperty(ConfigLoader.PROPERTY, configFile.toString());
        }
        return p;
    }

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("mirror.yml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private MirrorConfig load(String text) throws IOException {
        return load(text, Map.of());
    }

    private MirrorConfig load(String text, Map<String, String> env) throws IOException {
        return new ConfigLoader(env, props(yaml(text))).load();
    }

    private ConfigException fails(String text) throws IOException {
        Path f = yaml(text);
        return assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), props(f)).load());
    }

    private static void assertDockerHubDefault(MirrorConfig c) {
        assertEquals(1, c.upstreams().size());
        UpstreamConfig hub = c.defaultUpstream();
        assertEquals("docker.io", hub.registry());
        assertEquals(URI.create("https://registry-1.docker.io"), hub.url());
        assertTrue(hub.isDefault());
        assertTrue(hub.isDockerHub());
        assertFalse(hub.hasCredentials());
        assertTrue(hub.answersTo("docker.io"));
        assertTrue(hub.answersTo("index.docker.io"));
        assertTrue(hub.answersTo("registry-1.docker.io"));
        assertFalse(hub.answersTo("ghcr.io"));
    }

    // ---- defaults

    @Test
    void emptyFileGivesBuiltInDefaults() throws IOException {
        MirrorConfig c = load("");
        assertDockerHubDefault(c);
        assertEquals(home().resolve(".cache").resolve("regcache"), c.storageRoot());
        assertEquals(dir.resolve("mirror.yml").toAbsolutePath().toString(), c.source());
    }

    /** An empty file means defaults; a file with only comments is an empty YAML document too. */
    @Test
    void commentOnlyFileGivesBuiltInDefaults() throws IOException {
        assertDockerHubDefault(load("# nothing configured yet\n# upstreams:\n#   - url: https://ghcr.io\n"));
    }

    @Test
    void noFileAtAllGivesBuiltInDefaults() throws IOException {
        Path emptyWorkingDir = Files.createDirectories(dir.resolve("cwd"));
        MirrorConfig c = new ConfigLoader(Map.of(), props(null), emptyWorkingDir).load();
        assertDockerHubDefault(c);
        assertEquals(home().resolve(".cache").resolve("regcache"), c.storageRoot());
        assertEquals("built-in defaults", c.source());
    }

    @Test
    void confMirrorYmlInTheWorkingDirectoryIsFound() throws IOException {
        Path cwd = Files.createDirectories(dir.resolve("cwd2"));
        Path conf = Files.createDirectories(cwd.resolve("conf"));
        Files.writeString(conf.resolve("mirror.yml"), "storage:\n  filesystem:\n    rootdirectory: /srv/cache\n");
        MirrorConfig c = new ConfigLoader(Map.of(), props(null), cwd).load();
        assertEquals(Path.of("/srv/cache"), c.storageRoot());
        assertEquals(conf.resolve("mirror.yml").toAbsolutePath().toString(), c.source());
    }

    @Test
    void tildeInPathsMeansTheGivenUserHome() throws IOException {
        MirrorConfig c = load("storage:\n  filesystem:\n    rootdirectory: ~/cache\n");
        assertEquals(home().resolve("cache"), c.storageRoot());
    }

    @Test
    void defaultStorageRootUsesGivenUserHome() {
        Properties p = new Properties();
        p.setProperty("user.home", "/some/home");
        assertEquals(Path.of("/some/home", ".cache", "regcache"), ConfigLoader.defaultStorageRoot(p));
    }

    // ---- locating the file

    @Test
    void missingFileNamedByPropertyFailsNamingIt() {
        Path missing = dir.resolve("nope.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), props(missing)).load());
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("-Dmirror.config"), e.getMessage());
    }

    @Test
    void missingFileNamedByEnvFailsNamingIt() {
        Path missing = dir.resolve("also-nope.yml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of(ConfigLoader.ENV, missing.toString()), props(null)).load());
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("MIRROR_CONFIG"), e.getMessage());
    }

    @Test
    void directoryIsNotAConfigFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), props(dir)).load());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void envNamesTheFile() throws IOException {
        Path f = dir.resolve("from-env.yml");
        Files.writeString(f, "storage:\n  filesystem:\n    rootdirectory: /var/cache/mirror\n");
        MirrorConfig c = new ConfigLoader(Map.of(ConfigLoader.ENV, f.toString()), props(null)).load();
        assertEquals(Path.of("/var/cache/mirror"), c.storageRoot());
        assertEquals(f.toAbsolutePath().toString(), c.source());
    }

    @Test
    void propertyWinsOverEnv() throws IOException {
        Path f = yaml("storage:\n  filesystem:\n    rootdirectory: /from/property\n");
        Path other = dir.resolve("other.yml");
        Files.writeString(other, "storage:\n  filesystem:\n    rootdirectory: /from/env\n");
        MirrorConfig c = new ConfigLoader(Map.of(ConfigLoader.ENV, other.toString()), props(f)).load();
        assertEquals(Path.of("/from/property"), c.storageRoot());
    }

    // ---- malformed files

    @Test
    void badIndentationNamesFileAndLine() throws IOException {
        ConfigException e = fails("""
                upstreams:
                  - registry: ghcr.io
                    url: https://ghcr.io
                   default: true
                """);
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("mirror.yml").toAbsolutePath().toString()), m);
        assertTrue(m.matches("(?s).*line 4\\b.*"), m);
    }

    @Test
    void tabIndentationNamesFileAndLine() throws IOException {
        ConfigException e = fails("storage:\n  filesystem:\n\trootdirectory: /x\n");
        assertTrue(e.getMessage().contains(dir.resolve("mirror.yml").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*line 3\\b.*"), e.getMessage());
    }

    @Test
    void unknownKeyNamesFileLineAndKey() throws IOException {
        ConfigException e = fails("""
                storage:
                  filesystem:
                    rootdirectory: /x
                upstreams:
                  - registry: ghcr.io
                    ulr: https://ghcr.io
                """);
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("mirror.yml").toAbsolutePath().toString()), m);
        assertTrue(m.matches("(?s).*line 6\\b.*"), m);
        assertTrue(m.contains("ulr"), m);
    }

    /** The typo is on line 2; its value (a nested mapping) starts on line 3. */
    @Test
    void unknownKeyWithNestedValueNamesTheKeysLine() throws IOException {
        ConfigException e = fails("storage: {}\nproxi:\n  remoteurl: https://x.io\n");
        assertTrue(e.getMessage().matches("(?s).*line 2\\b.*"), e.getMessage());
        assertTrue(e.getMessage().contains("proxi"), e.getMessage());
    }

    @Test
    void wrongValueTypeFails() throws IOException {
        ConfigException e = fails("upstreams:\n  - url: https://ghcr.io\n    default: maybe\n");
        assertTrue(e.getMessage().contains(dir.resolve("mirror.yml").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*line 3\\b.*"), e.getMessage());
    }

    // ---- environment overrides

    @Test
    void envOverridesDefaultUpstreamAndStorage() throws IOException {
        Path store = dir.resolve("store");
        Map<String, String> env = Map.of(
                "REGISTRY_PROXY_REMOTEURL", "https://mirror.example.com",
                "REGISTRY_PROXY_USERNAME", "bob",
                "REGISTRY_PROXY_PASSWORD", "s3cret",
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", store.toString());
        MirrorConfig c = load("", env);
        UpstreamConfig up = c.defaultUpstream();
        assertEquals(URI.create("https://mirror.example.com"), up.url());
        assertEquals("bob", up.username());
        assertEquals("s3cret", up.password());
        assertTrue(up.hasCredentials());
        assertEquals(store, c.storageRoot());
    }

    @Test
    void envWinsOverFileProxyKeysAndStorage() throws IOException {
        MirrorConfig c = load("""
                storage:
                  filesystem:
                    rootdirectory: /from/file
                proxy:
                  remoteurl: https://file.example.com
                  username: alice
                  password: filepass
                """, Map.of("REGISTRY_PROXY_REMOTEURL", "https://env.example.com",
                "REGISTRY_PROXY_PASSWORD", "envpass",
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/from/env"));
        assertEquals(URI.create("https://env.example.com"), c.defaultUpstream().url());
        assertEquals("alice", c.defaultUpstream().username());
        assertEquals("envpass", c.defaultUpstream().password());
        assertEquals(Path.of("/from/env"), c.storageRoot());
    }

    @Test
    void envOverridesOnlyTheDefaultOfSeveralUpstreams() throws IOException {
        MirrorConfig c = load("""
                upstreams:
                  - url: https://ghcr.io
                  - url: https://registry-1.docker.io
                    default: true
                """, Map.of("REGISTRY_PROXY_USERNAME", "bob", "REGISTRY_PROXY_PASSWORD", "pw"));
        UpstreamConfig ghcr = c.upstreams().get(0);
        assertEquals("ghcr.io", ghcr.registry());
        assertFalse(ghcr.hasCredentials());
        assertEquals("docker.io", c.defaultUpstream().registry());
        assertEquals("bob", c.defaultUpstream().username());
    }

    /**
     * Pointing the built-in default upstream somewhere else must not keep Docker Hub's name: the
     * registry name comes from the URL host, and Hub rules (library/ prefix, docker.io aliases) must
     * not apply to another registry.
     */
    @Test
    void envRemoteUrlToAnotherRegistryDoesNotKeepDockerHubName() throws IOException {
        MirrorConfig c = load("", Map.of("REGISTRY_PROXY_REMOTEURL", "https://quay.io"));
        UpstreamConfig up = c.defaultUpstream();
        assertEquals(URI.create("https://quay.io"), up.url());
        assertEquals("quay.io", up.registry(), "registry name of an upstream at quay.io");
        assertFalse(up.isDockerHub(), "Docker Hub rules applied to quay.io");
    }

    @Test
    void usernameWithoutPasswordFails() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("", Map.of("REGISTRY_PROXY_USERNAME", "bob")));
        assertTrue(e.getMessage().contains("username and password"), e.getMessage());
    }

    // ---- upstreams

    @Test
    void severalUpstreamsWithOneDefault() throws IOException {
        MirrorConfig c = load("""
                upstreams:
                  - url: https://registry-1.docker.io
                  - registry: ghcr.io
                    url: https://ghcr.io/
                    username: me
                    password: tok
                    default: true
                  - url: http://127.0.0.1:5000
                    aliases: [local, "localhost:5000"]
                """);
        assertEquals(3, c.upstreams().size());
        assertEquals("ghcr.io", c.defaultUpstream().registry());
        assertEquals(1, c.upstreams().stream().filter(UpstreamConfig::isDefault).count());
        assertEquals(URI.create("https://ghcr.io"), c.defaultUpstream().url(), "trailing slash dropped");
        UpstreamConfig hub = c.upstreams().get(0);
        assertEquals("docker.io", hub.registry());
        assertFalse(hub.isDefault());
        UpstreamConfig local = c.upstreams().get(2);
        assertEquals("127.0.0.1:5000", local.registry());
        assertEquals(URI.create("http://127.0.0.1:5000"), local.url());
        assertTrue(local.answersTo("localhost:5000"));
        assertTrue(local.answersTo("local"));
        assertEquals(List.of("local", "localhost:5000"), local.aliases());
    }

    @Test
    void firstUpstreamIsDefaultWhenNoneIsMarked() throws IOException {
        MirrorConfig c = load("upstreams:\n  - url: https://ghcr.io\n  - url: https://quay.io\n");
        assertEquals("ghcr.io", c.defaultUpstream().registry());
        assertTrue(c.upstreams().get(0).isDefault());
        assertFalse(c.upstreams().get(1).isDefault());
    }

    @Test
    void twoDefaultsRejected() throws IOException {
        ConfigException e = fails("""
                upstreams:
                  - url: https://ghcr.io
                    default: true
                  - url: https://quay.io
                    default: true
                """);
        assertTrue(e.getMessage().contains(dir.resolve("mirror.yml").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("default"), e.getMessage());
    }

    @Test
    void duplicateRegistryNamesRejected() throws IOException {
        ConfigException e = fails("""
                upstreams:
                  - url: https://ghcr.io
                  - registry: ghcr.io
                    url: https://ghcr-mirror.example.com
                """);
        assertTrue(e.getMessage().contains("ghcr.io"), e.getMessage());
        assertTrue(e.getMessage().contains("upstreams[1]"), e.getMessage());
    }

    @Test
    void aliasCollidingWithDockerHubAliasRejected() throws IOException {
        ConfigException e = fails("""
                upstreams:
                  - url: https://registry-1.docker.io
                  - url: https://hub-mirror.example.com
                    aliases: [index.docker.io]
                """);
        assertTrue(e.getMessage().contains("index.docker.io"), e.getMessage());
    }

    @Test
    void httpUrlAccepted() throws IOException {
        MirrorConfig c = load("upstreams:\n  - url: http://registry.internal:8080/\n");
        assertEquals(URI.create("http://registry.internal:8080"), c.defaultUpstream().url());
        assertEquals("registry.internal:8080", c.defaultUpstream().registry());
    }

    @Test
    void urlWithUserInfoRejected() throws IOException {
        ConfigException e = fails("upstreams:\n  - url: https://bob:secret@ghcr.io\n");
        assertTrue(e.getMessage().contains("upstreams[0]"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), "the message must not echo the password: " + e.getMessage());
    }

    @Test
    void nonHttpUrlRejected() throws IOException {
        assertTrue(fails("upstreams:\n  - url: ftp://ghcr.io\n").getMessage().contains("http"));
        assertTrue(fails("upstreams:\n  - url: ghcr.io\n").getMessage().contains("upstreams[0]"));
        assertTrue(fails("upstreams:\n  - registry: ghcr.io\n").getMessage().contains("url is required"));
    }

    @Test
    void invalidRegistryNameRejected() throws IOException {
        ConfigException e = fails("upstreams:\n  - registry: ghcr.io/owner\n    url: https://ghcr.io\n");
        assertTrue(e.getMessage().contains("ghcr.io/owner"), e.getMessage());
    }

    @Test
    void registryNameDerivedFromUrlHost() {
        assertEquals("docker.io", ConfigLoader.registryNameOf(URI.create("https://registry-1.docker.io")));
        assertEquals("docker.io", ConfigLoader.registryNameOf(URI.create("https://index.docker.io/v1")));
        assertEquals("ghcr.io", ConfigLoader.registryNameOf(URI.create("https://ghcr.io")));
        assertEquals("localhost:5000", ConfigLoader.registryNameOf(URI.create("http://localhost:5000")));
    }

    @Test
    void passwordFileIsReadAndStripped() throws IOException {
        Path pw = dir.resolve("pw.txt");
        Files.writeString(pw, "  from-file\n");
        MirrorConfig c = load("""
                upstreams:
                  - url: https://ghcr.io
                    username: me
                    password: inline-ignored
                    passwordfile: %s
                """.formatted(pw));
        assertEquals("from-file", c.defaultUpstream().password());
        assertEquals("me", c.defaultUpstream().username());
    }

    @Test
    void proxyPasswordFileApplies() throws IOException {
        Path pw = dir.resolve("proxy-pw");
        Files.writeString(pw, "pp\n");
        MirrorConfig c = load("proxy:\n  username: u\n  passwordfile: %s\n".formatted(pw));
        assertEquals("pp", c.defaultUpstream().password());
    }

    @Test
    void missingPasswordFileFailsNamingIt() throws IOException {
        Path pw = dir.resolve("missing-pw");
        ConfigException e = fails("upstreams:\n  - url: https://ghcr.io\n    username: me\n    passwordfile: %s\n".formatted(pw));
        assertTrue(e.getMessage().contains(pw.toString()), e.getMessage());
    }

    @Test
    void upstreamToStringNeverShowsThePassword() throws IOException {
        MirrorConfig c = load("upstreams:\n  - url: https://ghcr.io\n    username: me\n    password: hunter2-very-secret\n");
        String s = c.defaultUpstream().toString();
        assertFalse(s.contains("hunter2-very-secret"), s);
        assertTrue(s.contains("me"), s);
        assertTrue(s.contains("ghcr.io"), s);
        assertFalse(c.upstreams().toString().contains("hunter2"), "list toString");
        UpstreamConfig anon = new UpstreamConfig("x.io", List.of(), URI.create("https://x.io"), null, null, true, List.of());
        assertTrue(anon.toString().contains("anonymous"), anon.toString());
        assertNull(anon.username());
    }

    // ---- cache policy

    @Test
    void cachePolicyDefaultsMatchTheReferenceRegistry() throws IOException {
        CachePolicy p = load("storage: {}\n").policy();
        assertEquals(java.time.Duration.ofHours(168), p.ttl());
        assertEquals(java.time.Duration.ZERO, p.tagWindow());
        assertEquals(-1, p.maxSize());
        assertFalse(p.limitsSize());
    }

    @Test
    void cachePolicyComesFromProxyKeysAndTheEnvironmentWins() throws IOException {
        String yaml = "proxy:\n  ttl: 24h\n  tagwindow: 5m\n  maxsize: 20GiB\n  timeout: 10s\n  janitorinterval: 1m\n";
        CachePolicy fromFile = load(yaml).policy();
        assertEquals(java.time.Duration.ofHours(24), fromFile.ttl());
        assertEquals(java.time.Duration.ofMinutes(5), fromFile.tagWindow());
        assertEquals(20L << 30, fromFile.maxSize());
        assertEquals(java.time.Duration.ofSeconds(10), fromFile.upstreamTimeout());
        assertEquals(java.time.Duration.ofMinutes(1), fromFile.janitorInterval());
        CachePolicy fromEnv = load(yaml, Map.of("REGISTRY_PROXY_TTL", "0", "REGISTRY_PROXY_MAXSIZE", "100MB")).policy();
        assertEquals(java.time.Duration.ZERO, fromEnv.ttl());
        assertFalse(fromEnv.expires());
        assertEquals(100_000_000L, fromEnv.maxSize());
    }

    @Test
    void aMalformedDurationNamesTheKey() throws IOException {
        ConfigException e = fails("proxy:\n  ttl: a week\n");
        assertTrue(e.getMessage().contains("proxy.ttl"), e.getMessage());
        assertTrue(e.getMessage().contains("mirror.yml"), e.getMessage());
    }

    @Test
    void accessTimesAreRecordedFinerForShortTtls() throws IOException {
        assertEquals(java.time.Duration.ofMinutes(1), load("proxy:\n  ttl: 168h\n").policy().accessGranularity());
        assertEquals(java.time.Duration.ofMillis(750), load("proxy:\n  ttl: 3s\n").policy().accessGranularity());
        assertEquals(java.time.Duration.ofMinutes(1), load("proxy:\n  ttl: 0\n").policy().accessGranularity());
    }
}
