package io.regcache.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The YAML file's shape, bound by Jackson. Unknown keys are errors, so typos do not pass silently. */
final class ConfigFile {
    public Storage storage = new Storage();
    public Proxy proxy = new Proxy();
    public List<Upstream> upstreams = new ArrayList<>();

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
        @JsonProperty("default")
        public boolean isDefault;
    }
}
