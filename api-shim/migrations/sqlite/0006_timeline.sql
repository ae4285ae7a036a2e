-- The timeline orders and groups by the local time a photo was taken (V4): its EXIF/QuickTime
-- time where known, else the creation time the phone sent; shifted to local time so that
-- grouping by calendar day is plain date arithmetic. Japan time (+09:00) where no offset is known.
ALTER TABLE items ADD COLUMN local_time INTEGER;
UPDATE items SET local_time = COALESCE(
    (SELECT m.taken_at + COALESCE(m.utc_offset, 32400) FROM media m WHERE m.item_id = items.id AND m.taken_at IS NOT NULL),
    created_at + 32400);
CREATE INDEX items_timeline ON items(user_id, room, local_time DESC, id DESC);
