package io.regcache.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.oci.Access;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import io.regcache.store.RepositoryIndex;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.UpstreamException;
import io.regcache.upstream.Upstreams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tags/list}: proxied from the upstream, paged by the mirror when an upstream ignores
 * {@code n}/{@code last}, and answered from the tags the cache knows when the upstream is down.
 */
final class TagLists {
    static final int MAX_PAGE = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Upstreams upstreams;
    private final RepositoryIndex index;

    TagLists(Upstreams upstreams, RepositoryIndex index) {
        this.upstreams = upstreams;
        this.index = index;
    }

    TagList list(Repository repo, Integer n, String last, Access requested) {
        if (n != null && (n < 0 || n > MAX_PAGE)) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be between 0 and " + MAX_PAGE);
        }
        if (last != null && !Reference.isValidTag(last)) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "last must be a tag");
        }
        Upstream up = upstreams.byRegistry(repo.registry());
        Access access = UpstreamErrors.effective(up, requested);
        try {
            Upstream.TagPage page = up.listTags(repo.name(), n, last, access);
            List<String> tags = tagsIn(page.body());
            boolean ignoredPaging = (n != null && tags.size() > n)
                    || (last != null && tags.stream().anyMatch(t -> t.compareTo(last) <= 0));
            if (ignoredPaging) {
                return page(repo, tags.stream().sorted().toList(), n, last, CacheOutcome.MISS);
            }
            return new TagList(page.body(), nextQuery(page.link()), CacheOutcome.MISS);
        } catch (UpstreamException e) {
            if (!e.isOutage()) {
                throw UpstreamErrors.toClient(e, ErrorCode.NAME_UNKNOWN, up, access);
            }
            // the tags the cache knows, as far as this caller may know them
            List<String> cached = index.tags(repo).stream()
                    .filter(t -> index.tag(repo, t).values().stream().anyMatch(r -> r.accessOrAccount().usableBy(access)))
                    .toList();
            if (cached.isEmpty()) {
                throw UpstreamErrors.toClient(e, ErrorCode.NAME_UNKNOWN, up, access);
            }
            return page(repo, cached, n, last, CacheOutcome.STALE);
        }
    }

    private static List<String> tagsIn(byte[] json) {
        try {
            List<String> tags = new ArrayList<>();
            JSON.readTree(json).path("tags").forEach(t -> tags.add(t.asText()));
            return tags;
        } catch (IOException e) {
            throw new RegistryException(ErrorCode.UNKNOWN, 502, "upstream sent a malformed tag list");
        }
    }

    /**
     * One page of sorted tags, for when the upstream cannot be asked (the tags the cache knows) or
     * ignored {@code n}/{@code last} (older registries do).
     */
    private static TagList page(Repository repo, List<String> sorted, Integer n, String last, CacheOutcome outcome) {
        List<String> after = last == null ? sorted : sorted.stream().filter(t -> t.compareTo(last) > 0).toList();
        int limit = n == null ? after.size() : Math.min(n, after.size());
        List<String> slice = after.subList(0, limit);
        String next = limit < after.size() && !slice.isEmpty() ? "n=" + limit + "&last=" + slice.get(slice.size() - 1) : null;
        ObjectNode body = JSON.createObjectNode();
        body.put("name", repo.name().value());
        slice.forEach(body.putArray("tags")::add);
        try {
            return new TagList(JSON.writeValueAsBytes(body), next, outcome);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query of the {@code rel="next"} target in an upstream {@code Link} header, or null. */
    static String nextQuery(String link) {
        if (link == null) {
            return null;
        }
        int lt = link.indexOf('<');
        while (lt >= 0) {
            int gt = link.indexOf('>', lt + 1);
            if (gt < 0) {
                return null;
            }
            int following = link.indexOf('<', gt + 1);
            String params = link.substring(gt + 1, following < 0 ? link.length() : following);
            if (params.replace(" ", "").matches("(?i).*;rel=\"?next\"?.*")) {
                String target = link.substring(lt + 1, gt);
                int q = target.indexOf('?');
                return q < 0 ? null : target.substring(q + 1);
            }
            lt = following;
        }
        return null;
    }

}
