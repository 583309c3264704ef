MERGE (a:Article {id: $id})
SET a.title = $title, a.body_md = $body_md, a.body_html = $body_html, a.category = $category, a.tags = $tags,
    a.audience = $audience, a.status = $status, a.attachments = $attachments, a.author = $author,
    a.created_at = datetime($created_at), a.updated_at = datetime($updated_at)
