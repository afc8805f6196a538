package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.Closer;
import io.regcache.it.support.CommandResult;
import io.regcache.it.support.ForkedMirror;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.LogFiles;
import io.regcache.it.support.LoggedProcess;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RegistryRequest;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.UpstreamRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAR built by {@code package} on a real Tomcat 10.1, set up the way the README's "Deploy to
 * Tomcat" tells users to: a CATALINA_BASE whose {@code webapps/ROOT.war} is the WAR,
 * {@code bin/setenv.sh} naming the configuration with {@code -Dmirror.config}, the users in
 * {@code conf/tomcat-users.xml} (the default server.xml's LockOutRealm/UserDatabaseRealm), and the
 * access log and RemoteIpValve of {@link #VALVES}. Tomcat runs as a child process
 * ({@code catalina.sh run}); skopeo pulls through it from a docker-registry upstream.
 *
 * <p>Tomcat is Debian's: {@code apt-get install tomcat10-user} (or {@code tomcat10}), which puts
 * {@code catalina.sh} in {@code /usr/share/tomcat10/bin} and a configuration skeleton in
 * {@code /usr/share/tomcat10/skel/conf} (with {@code tomcat10}: {@code /usr/share/tomcat10/etc});
 * {@code -Dregcache.tomcat.home=} points at another CATALINA_HOME (an Apache tarball's
 * {@code conf/} is used then). Without it the test is skipped loudly, or fails with
 * {@code REGCACHE_REQUIRE_TOOLS=1}.
 */
@Standalone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatDeployIT {
    /** The valves the README puts into server.xml's {@code <Host>} (the proxy here: loopback). */
    static final String VALVES = """
            <Valve className="org.apache.catalina.valves.RemoteIpValve"
                   internalProxies="127\\.0\\.0\\.1|0:0:0:0:0:0:0:1"
                   hostHeader="X-Forwarded-Host" portHeader="X-Forwarded-Port" />
            <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"
                   prefix="localhost_access_log" suffix=".txt" requestAttributesEnabled="true"
                   pattern="%h %l %u %t &quot;%r&quot; %s %b &quot;%{Referer}i&quot; &quot;%{User-Agent}i&quot; %{X-Cache}o"
                   buffered="false" />
            """; // buffered="false" only so that the test need not wait for Tomcat's periodic flush
    /** What the README merges into conf/tomcat-users.xml (the roles as in the repository's conf/tomcat-users.xml). */
    static final String USERS = """
              <role rolename="registry-pull"/>
              <role rolename="registry-private"/>
              <role rolename="registry-admin"/>
              <user username="ci-runner" password="change-me" roles="registry-pull"/>
            """;
    static final String USER = "ci-runner:change-me";
    private static final String REPOSITORY = "it/tomcat";
    private static final String TAG = "1";
    private static final Pattern CACHE_OUTCOME = Pattern.compile(" (HIT|MISS|STALE|-)$");

    private static final Closer resources = new Closer();
    private static Skopeo skopeo;
    private static SeededImage image;
    private static URL mirrorUrl;
    private static LogFiles accessLog;

    @BeforeAll
    static void startTomcat() throws IOException {
        Path home = Path.of(System.getProperty("regcache.tomcat.home", "/usr/share/tomcat10"));
        RequiredTools.require("docker-registry", "skopeo", home.resolve("bin/catalina.sh").toString());
        ForkedMirror.requireBuild();
        Path skeleton = Stream.of("skel/conf", "etc", "conf").map(home::resolve)
                .filter(d -> Files.isRegularFile(d.resolve("server.xml"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server.xml under " + home + "/{skel/conf,etc,conf}"));

        Path dir = resources.tempDir("tomcat-deploy");
        UpstreamRegistry upstream = resources.add(UpstreamRegistry.start(UpstreamRegistry.Auth.none()));
        skopeo = resources.add(new Skopeo());
        image = resources.add(new ImageSeeder(upstream, skopeo)).seed(ImageKind.OCI, REPOSITORY, TAG, 300_000);
        Path config = MirrorYaml.storage(dir.resolve("storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("security:\n  anonymous: none")
                .writeTo(dir.resolve("mirror.yml"));

        int port = FreePort.find();
        Path base = catalinaBase(dir.resolve("tomcat"), skeleton, port, config);
        accessLog = new LogFiles(base.resolve("logs"), name -> name.startsWith("localhost_access_log"));
        List<String> unset = new ArrayList<>(ForkedMirror.CONFIG_ENV);
        unset.addAll(List.of("CATALINA_OPTS", "JAVA_OPTS", "CATALINA_TMPDIR"));
        LoggedProcess tomcat = resources.add(LoggedProcess.start("tomcat",
                List.of(home.resolve("bin/catalina.sh").toString(), "run"), base, dir.resolve("tomcat.log"), null, unset,
                Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString(),
                        "JAVA_HOME", System.getProperty("java.home"))));
        mirrorUrl = new URL("http://127.0.0.1:" + port);
        awaitReady(tomcat);
    }

    /** A CATALINA_BASE as the README describes it, from Tomcat's own configuration skeleton. */
    private static Path catalinaBase(Path base, Path skeleton, int port, Path config) throws IOException {
        for (String d : List.of("conf", "logs", "webapps", "work", "temp", "bin")) {
            Files.createDirectories(base.resolve(d));
        }
        try (Stream<Path> files = Files.list(skeleton)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml);
        String withValves = server.replaceFirst("(?s)<Valve className=\"org\\.apache\\.catalina\\.valves\\.AccessLogValve\".*?/>",
                Matcher.quoteReplacement(VALVES.strip()));
        assertFalse(withValves.equals(server), "no AccessLogValve in " + serverXml + " to replace");
        String withPorts = withValves
                .replaceFirst("<Server port=\"-?\\d+\"", "<Server port=\"-1\"") // no shutdown port: stopped by signal
                .replaceFirst("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
        assertTrue(withPorts.contains("port=\"" + port + "\""), "no HTTP connector on 8080 in " + serverXml);
        Files.writeString(serverXml, withPorts);

        Path usersXml = base.resolve("conf/tomcat-users.xml");
        String users = Files.readString(usersXml);
        int end = users.lastIndexOf("</tomcat-users>");
        Files.writeString(usersXml, users.substring(0, end) + USERS + users.substring(end));

        Files.writeString(base.resolve("bin/setenv.sh"),
                "CATALINA_OPTS=\"$CATALINA_OPTS -Dmirror.config=" + config + "\"\n");
        Files.copy(ForkedMirror.war(), base.resolve("webapps/ROOT.war"));
        return base;
    }

    private static void awaitReady(LoggedProcess tomcat) {
        tomcat.awaitAnswer(URI.create(mirrorUrl + "/v2/"), ForkedMirror.START_TIMEOUT,
                r -> r.headers().firstValue("Docker-Distribution-API-Version").isPresent());
    }

    @AfterAll
    static void tearDown() throws Exception {
        resources.close();
    }

    private static String reference() {
        return "docker://" + mirrorUrl.getHost() + ":" + mirrorUrl.getPort() + "/" + REPOSITORY + ":" + TAG;
    }

    private static void pullAndCompare(Path pulled) {
        skopeo.copyToDir(reference(), pulled, USER, false);
        PulledImage.assertManifestAndBlobs(pulled, image);
    }

    @Test
    @Order(1)
    void theWarAnswersAtTheRootContextAndAsksForCredentials() {
        HttpResponse<String> ping = MirrorHttp.get(mirrorUrl, "/v2/");
        assertEquals(401, ping.statusCode(), ping.body());
        assertEquals("registry/2.0", ping.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
        assertEquals("Bearer realm=\"" + mirrorUrl + "/token\",service=\"regcache\"",
                ping.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(200, MirrorHttp.get(mirrorUrl, "/v2/", "Authorization", RealmUsers.basic(USER)).statusCode());
    }

    @Test
    @Order(2)
    void skopeoPullsWithAUserFromTomcatUsersXmlAndNotWithoutOne(@TempDir Path tmp) {
        CommandResult anonymous = skopeo.copyToDirAllowingFailure(reference(), tmp.resolve("anonymous"), null, false);
        assertFalse(anonymous.ok(), "pulled anonymously from a mirror with security.anonymous: none");
        assertTrue(anonymous.stderr().contains("unauthorized"), anonymous.stderr());
        pullAndCompare(tmp.resolve("first")); // fetched from the upstream
        pullAndCompare(tmp.resolve("second")); // from the cache
    }

    @Test
    @Order(3)
    void theAccessLogRecordsTheCacheOutcomeOfEveryPull() {
        String manifestPath = "/v2/" + REPOSITORY + "/manifests/" + TAG;
        String layerPath = "/v2/" + REPOSITORY + "/blobs/" + image.layers().get(0).digest();
        List<String> lines = accessLog.await(all -> outcomes(all, layerPath).equals(List.of("MISS", "HIT"))
                && outcomes(all, manifestPath).size() == 2);
        for (String line : lines) {
            assertTrue(RegistryRequest.parse(line) != null || line.contains("\"-\" 400 "), "not a combined-format line: " + line);
            assertTrue(CACHE_OUTCOME.matcher(line).find(), "no cache outcome at the end of: " + line);
        }
    }

    @Test
    @Order(4)
    void behindAProxyRemoteIpValveGivesTheMirrorTheClientAndTheUrlItWasAskedFor() {
        HttpResponse<String> ping = MirrorHttp.get(mirrorUrl, "/v2/", "X-Forwarded-For", "203.0.113.7",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "registry.example.test", "X-Forwarded-Port", "443");
        assertEquals(401, ping.statusCode(), ping.body());
        assertEquals("Bearer realm=\"https://registry.example.test/token\",service=\"regcache\"",
                ping.headers().firstValue("WWW-Authenticate").orElse(null));
        String manifestPath = "/v2/" + REPOSITORY + "/manifests/" + TAG;
        assertEquals(200, MirrorHttp.get(mirrorUrl, manifestPath, "X-Forwarded-For", "203.0.113.7",
                "Authorization", RealmUsers.basic(USER)).statusCode());
        accessLog.await(all -> all.stream().anyMatch(l -> l.startsWith("203.0.113.7 - " + USER.split(":")[0] + " ")
                && l.contains("\"GET " + manifestPath + " HTTP/1.1\" 200 ")));
    }

    private static List<String> outcomes(List<String> lines, String path) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            RegistryRequest r = RegistryRequest.parse(line);
            Matcher m = CACHE_OUTCOME.matcher(line);
            if (r != null && r.is("GET", path) && r.status() == 200 && m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

}
