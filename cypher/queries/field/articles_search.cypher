// Full-text search (Lucene syntax, terms escaped by the caller), best match first.
CALL db.index.fulltext.queryNodes('article_text', $q) YIELD node AS a, score
WHERE ($audiences IS NULL OR a.audience IN $audiences) AND (NOT $published OR a.status = 'published')
  AND ($category = '' OR a.category = $category) AND ($tag = '' OR $tag IN a.tags)
RETURN a {.*} AS a
ORDER BY score DESC, a.id
SKIP $offset LIMIT $limit
