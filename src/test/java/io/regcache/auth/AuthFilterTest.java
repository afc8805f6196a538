package io.regcache.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AuthFilterTest {
    @Test
    void theRepositoryIsReadFromTheRightOfThePath() {
        assertEquals("library/alpine", AuthFilter.repositoryOf("/library/alpine/manifests/latest"));
        assertEquals("a/manifests/b", AuthFilter.repositoryOf("/a/manifests/b/manifests/1"), "a name may contain the word");
        assertEquals("docker.io/library/alpine", AuthFilter.repositoryOf("/docker.io/library/alpine/blobs/sha256:00"));
        assertEquals("team/app", AuthFilter.repositoryOf("/team/app/tags/list"));
        assertNull(AuthFilter.repositoryOf("/"));
        assertNull(AuthFilter.repositoryOf("/_catalog"));
    }
}
