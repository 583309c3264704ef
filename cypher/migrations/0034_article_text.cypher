// Knowledge-base search over titles and bodies.
CREATE FULLTEXT INDEX article_text IF NOT EXISTS FOR (a:Article) ON EACH [a.title, a.body_md]
