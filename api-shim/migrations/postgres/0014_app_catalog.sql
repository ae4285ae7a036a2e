-- The apps whose data Hako keeps (SPEC P6), as the operator lists them with `hako apps`.
-- A removed app keeps its row (removed_at set): its users' data stays readable and deletable,
-- and new backups are refused with a reason.
CREATE TABLE app_catalog (
    app_id     TEXT PRIMARY KEY,
    name_ja    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    max_bytes  BIGINT NOT NULL,
    added_at   BIGINT NOT NULL,
    removed_at BIGINT
);
