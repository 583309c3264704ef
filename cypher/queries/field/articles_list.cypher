// Articles the reader may see ($audiences null: all), newest first.
MATCH (a:Article)
WHERE ($audiences IS NULL OR a.audience IN $audiences) AND (NOT $published OR a.status = 'published')
  AND ($category = '' OR a.category = $category) AND ($tag = '' OR $tag IN a.tags)
RETURN a {.*} AS a
ORDER BY a.updated_at DESC, a.id
SKIP $offset LIMIT $limit
