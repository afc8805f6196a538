package io.regcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The package-private helpers of {@link CacheService}. */
class TagListsTest {

    @Test
    void nextQueryFromDistributionStyleLink() {
        assertEquals("n=2&last=b", TagLists.nextQuery("</v2/x/tags/list?n=2&last=b>; rel=\"next\""));
        assertEquals("last=b&n=2", TagLists.nextQuery("</v2/library/alpine/tags/list?last=b&n=2>; rel=\"next\""));
    }

    @Test
    void nextQueryFromAbsoluteLink() {
        assertEquals("last=v1&n=50",
                TagLists.nextQuery("<https://registry.example.com/v2/a/b/tags/list?last=v1&n=50>;rel=next"));
    }

    @Test
    void nextQueryNullWhenNoUsableLink() {
        assertNull(TagLists.nextQuery(null));
        assertNull(TagLists.nextQuery(""));
        assertNull(TagLists.nextQuery("</v2/x/tags/list?n=2&last=b>; rel=\"prev\""));
        assertNull(TagLists.nextQuery("</v2/x/tags/list>; rel=\"next\""), "no query");
        assertNull(TagLists.nextQuery("/v2/x/tags/list?n=2&last=b; rel=\"next\""), "no brackets");
        assertNull(TagLists.nextQuery("</v2/x/tags/list?n=2&last=b; rel=\"next\""), "unclosed bracket");
    }

    /** RFC 8288 allows several links in one header; only the one with rel="next" is the next page. */
    @Test
    void nextQueryPicksTheNextLinkAmongSeveral() {
        assertEquals("last=c&n=2", TagLists.nextQuery(
                "</v2/x/tags/list?last=a&n=2>; rel=\"prev\", </v2/x/tags/list?last=c&n=2>; rel=\"next\""));
    }
}
