-- An event id sent again with different content is a reuse of the id, not a retry: the inbox keeps a digest of
-- the content each id was processed with (SHA-256 of its canonical JSON, hex). Rows from before have none, and a
-- resend of theirs is taken as a retry, as it was.
alter table processed_events add column content_digest text;
