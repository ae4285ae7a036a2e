-- Files and bytes per ROOM (V15, V18), kept by triggers like day_counts: the ROOM list reads one
-- row per ROOM instead of summing a million items (540 ms at 1M items).
CREATE TABLE room_totals (
    user_id INTEGER NOT NULL,
    room    INTEGER NOT NULL,
    items   INTEGER NOT NULL,
    bytes   INTEGER NOT NULL,
    PRIMARY KEY (user_id, room)
) WITHOUT ROWID;

INSERT INTO room_totals (user_id, room, items, bytes)
SELECT user_id, room, COUNT(*), COALESCE(SUM(size), 0) FROM items GROUP BY 1, 2;

CREATE TRIGGER room_totals_insert AFTER INSERT ON items BEGIN
    INSERT INTO room_totals (user_id, room, items, bytes)
    VALUES (NEW.user_id, NEW.room, 1, NEW.size)
    ON CONFLICT (user_id, room) DO UPDATE SET items = items + 1, bytes = bytes + NEW.size;
END;

CREATE TRIGGER room_totals_delete AFTER DELETE ON items BEGIN
    UPDATE room_totals SET items = items - 1, bytes = bytes - OLD.size
    WHERE user_id = OLD.user_id AND room = OLD.room;
    DELETE FROM room_totals WHERE items <= 0 AND user_id = OLD.user_id AND room = OLD.room;
END;

-- The Music and Documents tabs read one kind of a ROOM; without this they scan every item.
CREATE INDEX items_by_kind ON items(user_id, room, kind, id);
