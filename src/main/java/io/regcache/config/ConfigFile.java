package io.regcache.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The YAML file's shape, bound by Jackson. Unknown keys are errors, so typos do not pass silently. */
final class ConfigFile {
    public Storage storage = new Storage();
    public Proxy proxy = new Proxy();
    public List<Upstream> upstreams = new ArrayList<>();
    public Security security = new Security();

    /** Who may pull, the mirror's tokens, and the network edge. */
    static final class Security {
        public String anonymous;
        public Boolean rejectedcredentialsasanonymous;
        public String tokenkey;
        public String tokenkeyfile;
        public String tokenlifetime;
        public String service;
        public String externalurl;
        public List<String> allow = new ArrayList<>();
        public List<String> trustedproxies = new ArrayList<>();
        public Integer lockoutattempts;
        public String lockoutwindow;
        public String lockoutduration;
    }

    static final class Storage {
        public Filesystem filesystem = new Filesystem();
    }

    static final class Filesystem {
        public String rootdirectory;
    }

    /**
     * distribution's {@code proxy:} keys: remoteurl/username/password describe the default
     * upstream; ttl and the others are the cache policy.
     */
    static final class Proxy {
        public String remoteurl;
        public String username;
        public String password;
        public String passwordfile;
        public String ttl;
        public String tagwindow;
        public String maxsize;
        public String timeout;
        public String janitorinterval;
    }

    static final class Upstream {
        public String registry;
        public List<String> aliases = new ArrayList<>();
        public String url;
        public String username;
        public String password;
        public String passwordfile;
        public String passwordenv;
        /** Token realms on other domains that may receive the account (normally only the upstream's own domain). */
        public List<String> tokenrealms = new ArrayList<>();
        @JsonProperty("default")
        public boolean isDefault;
    }
}
