package io.regcache.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds, reads and validates the configuration. Order of precedence: environment overrides
 * (distribution's names), then the file, then built-in defaults. The file is the one named by the
 * system property {@code mirror.config} or env {@code MIRROR_CONFIG}, else {@code conf/mirror.yml}
 * in the working directory if present; without a file the defaults alone apply.
 */
public final class ConfigLoader {
    public static final String PROPERTY = "mirror.config";
    public static final String ENV = "MIRROR_CONFIG";
    public static final Path DEFAULT_FILE = Path.of("conf", "mirror.yml");
    public static final String DOCKER_HUB_URL = "https://registry-1.docker.io";
    /** Docker Hub's other host names: clients may use them for docker.io, and so may an upstream's url. */
    private static final List<String> DOCKER_HUB_ALIASES = List.of("index.docker.io", "registry-1.docker.io");

    private static final Pattern REGISTRY_HOST = Pattern.compile(
            "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?");

    private final Map<String, String> env;
    private final Properties system;
    private final Path workingDirectory;

    public ConfigLoader(Map<String, String> env, Properties system) {
        this(env, system, Path.of(""));
    }

    /** {@code workingDirectory} is where {@code conf/mirror.yml} is looked for. */
    public ConfigLoader(Map<String, String> env, Properties system, Path workingDirectory) {
        this.env = env;
        this.system = system;
        this.workingDirectory = workingDirectory;
    }

    public static MirrorConfig loadFromEnvironment() {
        return new ConfigLoader(System.getenv(), System.getProperties()).load();
    }

    /** The built-in storage directory: {@code ~/.cache/regcache}. */
    public static Path defaultStorageRoot(Properties system) {
        return Path.of(system.getProperty("user.home", "."), ".cache", "regcache");
    }

    public MirrorConfig load() {
        Path file = locate();
        ConfigFile raw = file == null ? new ConfigFile() : parse(file);
        String source = file == null ? "built-in defaults" : file.toAbsolutePath().toString();
        return validate(raw, source);
    }

    private Path locate() {
        String explicit = system.getProperty(PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = env.get(ENV);
        }
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new ConfigException("configuration file " + p.toAbsolutePath() + " (named by "
                        + (system.getProperty(PROPERTY) != null ? "-D" + PROPERTY : ENV) + ") does not exist");
            }
            return p;
        }
        Path conventional = workingDirectory.resolve(DEFAULT_FILE);
        return Files.isRegularFile(conventional) ? conventional : null;
    }

    static ConfigFile parse(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": " + e, e);
        }
        try {
            JsonNode tree = yaml.readTree(text);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new ConfigFile(); // empty, or comments only
            }
            return yaml.readValue(text, ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file.toAbsolutePath() + ", line " + lineOfKey(text, e) + ": unknown key '"
                    + e.getPropertyName() + "'" + (e.getPath().size() > 1 ? " (at " + pathOf(e) + ")" : ""), e);
        } catch (JsonMappingException e) {
            throw new ConfigException(file.toAbsolutePath() + where(e) + ": " + e.getOriginalMessage()
                    + (e.getPath().isEmpty() ? "" : " (at " + pathOf(e) + ")"), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file.toAbsolutePath() + where(e) + ": " + e.getOriginalMessage(), e);
        }
    }

    /** {@code upstreams[1].url}, the way a user reads the file. */
    private static String pathOf(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /**
     * Jackson reports where the parser stood, which is the value after an unknown key (the next
     * line for a nested block); the key itself is on the last line at or before it naming the key.
     */
    private static int lineOfKey(String text, UnrecognizedPropertyException e) {
        int reported = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
        String[] lines = text.split("\n", -1);
        Pattern key = Pattern.compile("^\\s*(?:-\\s+)?[\"']?" + Pattern.quote(e.getPropertyName()) + "[\"']?\\s*:.*");
        for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
            if (key.matcher(lines[i]).matches()) {
                return i + 1;
            }
        }
        return reported;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr();
    }

    private MirrorConfig validate(ConfigFile raw, String source) {
        // storage
        String root = firstNonBlank(env.get("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"), raw.storage.filesystem.rootdirectory);
        Path storageRoot = root == null ? defaultStorageRoot(system) : expandHome(root);

        // upstreams
        List<ConfigFile.Upstream> declared = new ArrayList<>(raw.upstreams);
        if (declared.isEmpty()) {
            // built-in: Docker Hub; its registry name follows the URL when proxy.remoteurl replaces it
            ConfigFile.Upstream builtIn = new ConfigFile.Upstream();
            builtIn.url = DOCKER_HUB_URL;
            builtIn.isDefault = true;
            declared.add(builtIn);
        }
        long defaults = declared.stream().filter(u -> u.isDefault).count();
        if (defaults > 1) {
            throw new ConfigException(source + ": more than one upstream is marked default: true");
        }
        if (defaults == 0) {
            declared.get(0).isDefault = true;
        }

        List<UpstreamConfig> upstreams = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < declared.size(); i++) {
            ConfigFile.Upstream u = declared.get(i);
            String at = source + ": upstreams[" + i + "]";
            String url = u.url;
            String username = u.username;
            String password = readPassword(firstNonBlank(u.passwordenv == null ? null : env.get(u.passwordenv), u.password),
                    u.passwordfile, at);
            if (u.isDefault) {
                // distribution's proxy.* keys (file, then environment) describe the default upstream
                url = firstNonBlank(env.get("REGISTRY_PROXY_REMOTEURL"), raw.proxy.remoteurl, url);
                username = firstNonBlank(env.get("REGISTRY_PROXY_USERNAME"), raw.proxy.username, username);
                password = firstNonBlank(env.get("REGISTRY_PROXY_PASSWORD"),
                        readPassword(raw.proxy.password, raw.proxy.passwordfile, source + ": proxy"), password);
            }
            URI uri = parseUrl(url, at);
            String registry = u.registry != null ? u.registry : registryNameOf(uri);
            if (!REGISTRY_HOST.matcher(registry).matches()) {
                throw new ConfigException(at + ": registry must be a host name, optionally with :port, not '" + registry + "'");
            }
            List<String> aliases = new ArrayList<>(u.aliases);
            if (registry.equals("docker.io")) {
                aliases.addAll(DOCKER_HUB_ALIASES);
            }
            for (String name : concat(registry, aliases)) {
                if (!names.add(name)) {
                    throw new ConfigException(at + ": registry name '" + name + "' is used by two upstreams");
                }
            }
            if ((username == null) != (password == null)) {
                throw new ConfigException(at + " (" + registry + "): username and password must be given together");
            }
            upstreams.add(new UpstreamConfig(registry, List.copyOf(aliases), uri, username, password, u.isDefault,
                    List.copyOf(u.tokenrealms)));
        }
        return new MirrorConfig(storageRoot, List.copyOf(upstreams), policy(raw.proxy, source),
                security(raw.security, source), source);
    }

    /** The security section, over the defaults: anonymous pulls of public content, a random token key. */
    private SecurityConfig security(ConfigFile.Security sec, String source) {
        String at = source + ": security";
        String anonymous = firstNonBlank(env.get("REGISTRY_SECURITY_ANONYMOUS"), sec.anonymous, "public");
        SecurityConfig.AnonymousAccess access;
        try {
            access = SecurityConfig.AnonymousAccess.valueOf(anonymous.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".anonymous must be 'public' or 'none', not '" + anonymous + "'");
        }
        String lenient = firstNonBlank(env.get("REGISTRY_SECURITY_REJECTEDCREDENTIALSASANONYMOUS"),
                sec.rejectedcredentialsasanonymous == null ? null : sec.rejectedcredentialsasanonymous.toString());
        String keyText = firstNonBlank(env.get("REGISTRY_SECURITY_TOKENKEY"), readPassword(sec.tokenkey, sec.tokenkeyfile, at));
        byte[] key;
        if (keyText == null) {
            key = new byte[32];
            new java.security.SecureRandom().nextBytes(key); // tokens then last for this run only
        } else {
            if (keyText.length() < 16) {
                throw new ConfigException(at + ".tokenkey is too short: use 32 random characters or more");
            }
            key = sha256(keyText);
        }
        String external = firstNonBlank(env.get("REGISTRY_SECURITY_EXTERNALURL"), sec.externalurl);
        if (external != null) {
            external = parseUrl(external, at + ".externalurl").toString();
        }
        SecurityConfig.Lockout lockout = new SecurityConfig.Lockout(
                sec.lockoutattempts == null ? 5 : sec.lockoutattempts,
                durationOf("lockoutwindow", sec.lockoutwindow, Duration.ofMinutes(5), source, "security."),
                durationOf("lockoutduration", sec.lockoutduration, Duration.ofMinutes(5), source, "security."));
        return new SecurityConfig(access, Boolean.parseBoolean(lenient), key,
                durationOf("tokenlifetime", sec.tokenlifetime, Duration.ofMinutes(5), source, "security."),
                firstNonBlank(sec.service, "regcache"), external,
                cidrs(sec.allow, at + ".allow"), cidrs(sec.trustedproxies, at + ".trustedproxies"), lockout);
    }

    private static List<Cidr> cidrs(List<String> texts, String at) {
        List<Cidr> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(Cidr.parse(t));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache policy from proxy.* (file) and REGISTRY_PROXY_* (environment), over the defaults. */
    private CachePolicy policy(ConfigFile.Proxy proxy, String source) {
        CachePolicy d = CachePolicy.defaults();
        Duration ttl = durationOf("ttl", firstNonBlank(env.get("REGISTRY_PROXY_TTL"), proxy.ttl), d.ttl(), source);
        Duration window = durationOf("tagwindow", firstNonBlank(env.get("REGISTRY_PROXY_TAGWINDOW"), proxy.tagwindow), d.tagWindow(), source);
        Duration timeout = durationOf("timeout", firstNonBlank(env.get("REGISTRY_PROXY_TIMEOUT"), proxy.timeout), d.upstreamTimeout(), source);
        Duration janitor = durationOf("janitorinterval", firstNonBlank(env.get("REGISTRY_PROXY_JANITORINTERVAL"), proxy.janitorinterval),
                d.janitorInterval(), source);
        String max = firstNonBlank(env.get("REGISTRY_PROXY_MAXSIZE"), proxy.maxsize);
        long maxSize = d.maxSize();
        if (max != null) {
            try {
                maxSize = Units.size(max);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source + ": proxy.maxsize: " + e.getMessage());
            }
        }
        if (timeout.isZero() || janitor.isZero()) {
            throw new ConfigException(source + ": proxy.timeout and proxy.janitorinterval must be above zero");
        }
        return new CachePolicy(ttl, window, maxSize, timeout, janitor);
    }

    private static Duration durationOf(String key, String value, Duration fallback, String source) {
        return durationOf(key, value, fallback, source, "proxy.");
    }

    private static Duration durationOf(String key, String value, Duration fallback, String source, String section) {
        if (value == null) {
            return fallback;
        }
        try {
            return Units.duration(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + section + key + ": " + e.getMessage());
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static URI parseUrl(String url, String at) {
        if (url == null || url.isBlank()) {
            throw new ConfigException(at + ": url is required");
        }
        try {
            URI uri = new URI(url.trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(at + ": url must be an http:// or https:// URL, not '" + url + "'");
            }
            if (uri.getUserInfo() != null) {
                throw new ConfigException(at + ": put credentials in username/password, not in the url");
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException(at + ": malformed url '" + url + "': " + e.getMessage());
        }
    }

    /** The host name clients use for an upstream URL: Docker Hub's API host is {@code docker.io} to them. */
    static String registryNameOf(URI url) {
        String host = url.getHost();
        if (DOCKER_HUB_ALIASES.contains(host)) {
            return "docker.io";
        }
        return url.getPort() > 0 ? host + ":" + url.getPort() : host;
    }

    private String readPassword(String inline, String file, String at) {
        if (file == null || file.isBlank()) {
            return inline;
        }
        try {
            return Files.readString(expandHome(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(at + ": cannot read passwordfile " + file + ": " + e.getMessage());
        }
    }

    private Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(system.getProperty("user.home", ".") + path.substring(1));
        }
        return Path.of(path);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
