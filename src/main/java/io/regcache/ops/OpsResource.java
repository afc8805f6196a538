package io.regcache.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.cache.CacheService;
import io.regcache.cache.Janitor;
import io.regcache.config.CachePolicy;
import io.regcache.config.UpstreamConfig;
import io.regcache.http.Json;
import io.regcache.metrics.StatusBoard;
import io.regcache.oci.Digest;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The status page's data and the admin actions, as JSON under {@code /api/}. {@code status} shows
 * public figures only; everything under {@code admin/} needs the role registry-admin (checked by
 * {@link AdminFilter}) and adds what may not be public: repository names, clients, upstream URLs.
 */
@Singleton
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class OpsResource {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final CacheService service;
    private final StatusBoard board;
    private final PrefetchJobs jobs;

    @Inject
    public OpsResource(CacheService service, StatusBoard board, PrefetchJobs jobs) {
        this.service = service;
        this.board = board;
        this.jobs = jobs;
    }

    @GET
    @Path("status")
    public ObjectNode status() {
        return status(false);
    }

    @GET
    @Path("admin/status")
    public ObjectNode adminStatus() {
        return status(true);
    }

    /** {@code {"images": ["alpine:3.20", "ghcr.io/owner/app@sha256:…"]}}: warms the cache in the background. */
    @POST
    @Path("admin/prefetch")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response prefetch(JsonNode body) {
        List<String> images = new ArrayList<>();
        JsonNode list = orEmpty(body).path("images");
        if (list.isArray()) {
            list.forEach(i -> images.add(i.isTextual() ? i.asText().trim() : ""));
        }
        if (images.isEmpty() || images.size() > 500 || images.contains("")) {
            throw new RegistryException(io.regcache.oci.ErrorCode.UNSUPPORTED, 400, "give 1 to 500 images: {\"images\": [\"alpine:3.20\", ...]}");
        }
        PrefetchJobs.Job job = jobs.submit(images);
        return Response.accepted(job(job)).build();
    }

    @GET
    @Path("admin/jobs/{id}")
    public ObjectNode job(@PathParam("id") long id) {
        PrefetchJobs.Job job = jobs.get(id);
        if (job == null) {
            throw new RegistryException(io.regcache.oci.ErrorCode.NAME_UNKNOWN, 404, "no such job");
        }
        return job(job);
    }

    @GET
    @Path("admin/jobs")
    public ArrayNode jobs() {
        ArrayNode out = JSON.createArrayNode();
        jobs.all().forEach(j -> out.add(job(j)));
        return out;
    }

    /** {@code {"repository": "docker.io/library/alpine"}} or {@code {"image": "docker.io/library/alpine@sha256:…"}}. */
    @POST
    @Path("admin/purge")
    @Consumes(MediaType.APPLICATION_JSON)
    public ObjectNode purge(JsonNode body) {
        String image = orEmpty(body).path("image").asText(null);
        String repository = orEmpty(body).path("repository").asText(null);
        Janitor.Report report;
        if (image != null && image.contains("@")) {
            Repository repo = service.repositoryOf(image.substring(0, image.indexOf('@')));
            report = service.purge(repo, Digest.parse(image.substring(image.indexOf('@') + 1)));
        } else if (repository != null) {
            report = service.purge(service.repositoryOf(repository), null);
        } else {
            throw new RegistryException(io.regcache.oci.ErrorCode.UNSUPPORTED, 400,
                    "give a repository, or an image as name@digest");
        }
        return report(report);
    }

    @POST
    @Path("admin/janitor")
    @Consumes(MediaType.APPLICATION_JSON)
    public ObjectNode janitor(JsonNode ignored) {
        return report(service.runJanitor());
    }

    /** An empty body reaches a resource as null: it is a request without the fields, answered 400, not a 500. */
    private static JsonNode orEmpty(JsonNode body) {
        return body == null ? MissingNode.getInstance() : body;
    }

    private static ObjectNode report(Janitor.Report r) {
        ObjectNode out = JSON.createObjectNode();
        out.put("imagesRemoved", r.imagesRemoved());
        out.put("blobsRemoved", r.blobsRemoved());
        out.put("bytesFreed", r.bytesFreed());
        out.put("bytesKept", r.bytesKept());
        return out;
    }

    private static ObjectNode job(PrefetchJobs.Job job) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", job.id());
        out.put("state", job.state());
        out.put("createdAt", job.createdAt());
        ArrayNode images = out.putArray("images");
        job.images().forEach(images::add);
        out.set("results", JSON.valueToTree(job.results()));
        return out;
    }

    private ObjectNode status(boolean admin) {
        StatusBoard.Snapshot s = board.snapshot();
        CachePolicy policy = service.config().policy();
        ObjectNode out = JSON.createObjectNode();
        out.put("now", s.now());
        out.put("startedAt", s.startedAt());
        out.put("admin", admin);
        ObjectNode cache = out.putObject("cache");
        cache.put("sizeBytes", service.sizeOnDisk());
        cache.put("maxBytes", policy.maxSize());
        cache.put("downloadsInProgress", service.downloadsInProgress());
        cache.put("ttlSeconds", policy.ttl().toSeconds());
        ObjectNode traffic = out.putObject("traffic");
        traffic.put("hits", s.hits());
        traffic.put("misses", s.misses());
        traffic.put("stale", s.stale());
        traffic.put("errors", s.errors());
        traffic.put("servedBytes", s.servedBytes());
        traffic.put("pulledBytes", s.pulledBytes());
        traffic.put("savedBytes", s.savedBytes());
        long answered = s.hits() + s.misses() + s.stale();
        traffic.put("hitRatio", answered == 0 ? 0 : (double) (s.hits() + s.stale()) / answered);
        out.set("history", JSON.valueToTree(s.history()));
        ArrayNode ups = out.putArray("upstreams");
        for (UpstreamConfig u : service.config().upstreams()) {
            ObjectNode node = ups.addObject();
            node.put("registry", u.registry());
            node.put("default", u.isDefault());
            StatusBoard.UpstreamState st = s.upstreams().get(u.registry());
            if (st != null) {
                node.put("reachable", st.reachable());
                node.put("lastStatus", st.lastStatus());
                node.put("lastOkAt", st.lastOkAt());
                node.put("lastErrorAt", st.lastErrorAt());
                if (st.rateLimit() != null) {
                    node.set("rateLimit", JSON.valueToTree(st.rateLimit()));
                }
            }
            if (admin) {
                node.put("url", u.url().toString());
                node.put("account", u.username());
            }
        }
        if (admin) {
            out.set("topRepositories", JSON.valueToTree(s.top()));
            out.set("recentPulls", JSON.valueToTree(s.recent()));
            out.put("storage", service.config().storageRoot().toString());
        }
        return out;
    }
}
