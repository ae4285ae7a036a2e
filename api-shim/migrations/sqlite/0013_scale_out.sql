-- Several `hako serve` instances share one database (SPEC X3).

-- The media job an instance is processing, until when.
ALTER TABLE media ADD COLUMN claimed_until INTEGER;

-- Uploads into an S3-compatible store go straight into a multipart upload of the final object:
-- its id, the parts sent so far, and the bytes that do not yet fill a part.
ALTER TABLE uploads ADD COLUMN multipart_id TEXT;
ALTER TABLE uploads ADD COLUMN tail BLOB;

CREATE TABLE upload_parts (
    upload_id   TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    etag        TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
